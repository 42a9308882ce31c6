package pprov

import "os"

var lookupEnv = os.Getenv
