package github

import "github.com/signed-runs/standins/internal/world"

// World is the fake GitHub: the state file named by SIGNED_RUNS_FAKE_GITHUB.
// Tests seed repositories and branches; the provider adds files, secrets
// (a SHA-256 of the value only), environments and their branch policies.
type World struct {
	NextID       int                    `json:"nextId"`
	Repositories map[string]*Repository `json:"repositories"` // "owner/name"
	// Users and Teams, when seeded, are the ids a reviewer may name.
	Users  []int        `json:"users,omitempty"`
	Teams  []int        `json:"teams,omitempty"`
	Faults world.Faults `json:"faults"`
}

type Repository struct {
	ID            int                     `json:"id"`
	DefaultBranch string                  `json:"defaultBranch"`
	Branches      map[string]*Branch      `json:"branches"`
	Secrets       map[string]*Secret      `json:"secrets"`
	Environments  map[string]*Environment `json:"environments"`
}

type Branch struct {
	Head  string           `json:"head"`
	Files map[string]*File `json:"files"`
}

type File struct {
	Content       string `json:"content"`
	Sha           string `json:"sha"`
	CommitSha     string `json:"commitSha"`
	CommitMessage string `json:"commitMessage"`
}

// Secret holds what GitHub shows of a secret: never the value.
type Secret struct {
	ValueSHA256 string `json:"valueSha256"`
	CreatedAt   string `json:"createdAt"`
	UpdatedAt   string `json:"updatedAt"`
}

type Environment struct {
	ID                     int                      `json:"id"`
	WaitTimer              int                      `json:"waitTimer"`
	CanAdminsBypass        bool                     `json:"canAdminsBypass"`
	PreventSelfReview      bool                     `json:"preventSelfReview"`
	Reviewers              []Reviewer               `json:"reviewers"`
	DeploymentBranchPolicy *DeploymentBranchPolicy  `json:"deploymentBranchPolicy"`
	BranchPolicies         map[string]*BranchPolicy `json:"branchPolicies"` // by id
	Secrets                map[string]*Secret       `json:"secrets"`
}

type Reviewer struct {
	Type string `json:"type"` // "User" or "Team"
	ID   int    `json:"id"`
}

type DeploymentBranchPolicy struct {
	ProtectedBranches    bool `json:"protectedBranches"`
	CustomBranchPolicies bool `json:"customBranchPolicies"`
}

type BranchPolicy struct {
	Name string `json:"name"`
	Type string `json:"type"` // "branch" or "tag"
}

// IsEmpty is true when nothing but the seeded repositories and branches remain.
func (w *World) IsEmpty() bool {
	for _, r := range w.Repositories {
		if len(r.Secrets) > 0 || len(r.Environments) > 0 {
			return false
		}
		for _, b := range r.Branches {
			if len(b.Files) > 0 {
				return false
			}
		}
	}
	return true
}

func (w *World) nextID() int {
	if w.NextID < 1000 {
		w.NextID = 1000
	}
	w.NextID++
	return w.NextID
}

// Seed adds a repository with the given branches (the first is the default).
func (w *World) Seed(fullName string, branches ...string) *Repository {
	if w.Repositories == nil {
		w.Repositories = map[string]*Repository{}
	}
	r := &Repository{ID: w.nextID(), DefaultBranch: branches[0], Branches: map[string]*Branch{}, Secrets: map[string]*Secret{}, Environments: map[string]*Environment{}}
	for _, b := range branches {
		r.Branches[b] = &Branch{Head: gitSha("commit", fullName+"@"+b), Files: map[string]*File{}}
	}
	w.Repositories[fullName] = r
	return r
}
