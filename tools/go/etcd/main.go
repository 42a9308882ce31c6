// Command etcd is a single-member etcd for the tests' API server, embedded from
// go.etcd.io/etcd/server/v3 so that it builds from the Go module proxy.
// Both URLs are given by the caller: parallel test runs each pick free ports.
package main

import (
	"flag"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	dataDir := flag.String("data-dir", "", "directory for the member's data (required)")
	client := flag.String("client-url", "http://127.0.0.1:2379", "URL to serve clients on")
	peer := flag.String("peer-url", "http://127.0.0.1:2380", "URL to serve peers on (unused by a single member, but bound)")
	flag.Parse()
	cu, err := url.Parse(*client)
	if err != nil {
		log.Fatalf("-client-url: %v", err)
	}
	pu, err := url.Parse(*peer)
	if err != nil {
		log.Fatalf("-peer-url: %v", err)
	}
	cfg := embed.NewConfig()
	cfg.Dir = *dataDir
	cfg.LogLevel = "warn"
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{*cu}, []url.URL{*cu}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{*pu}, []url.URL{*pu}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	// Test data is thrown away after each run: skip fsync to spare the shared disk.
	cfg.UnsafeNoFsync = true
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		log.Fatal(err)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-e.Server.ReadyNotify():
		log.Printf("etcd ready on %s", cu)
	case err := <-e.Err():
		log.Fatal(err)
	}
	select {
	case err := <-e.Err():
		log.Fatal(err)
	case <-stop:
		e.Close()
	}
}
