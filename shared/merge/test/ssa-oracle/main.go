// Command ssa-oracle runs a sequence of applies and updates through the real
// sigs.k8s.io/structured-merge-diff (merge.Updater) and prints the resulting
// object, managers (FieldsV1 JSON) and conflicts as JSON. It is the oracle the
// expected values of shared/merge/test/ssa-oracle.test.ts were produced with;
// no kube-apiserver is available here, and this library is the code it runs.
//
// Built against structured-merge-diff v4.1.2 from Debian
// (golang-k8s-sigs-structured-merge-diff-dev):
//
//	mkdir -p /tmp/gp/src/sigs.k8s.io/structured-merge-diff
//	ln -s /usr/share/gocode/src/sigs.k8s.io/structured-merge-diff /tmp/gp/src/sigs.k8s.io/structured-merge-diff/v4
//	GO111MODULE=off GOPATH=/tmp/gp:/usr/share/gocode go run main.go < spec.json
//
// Input: {"schema": <SMD schema as JSON>, "type": "<root type>", "ops": [
//   {"op": "apply"|"force"|"update", "manager": "...", "apiVersion": "v1", "object": {...}}]}
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"sigs.k8s.io/structured-merge-diff/v4/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v4/merge"
	"sigs.k8s.io/structured-merge-diff/v4/typed"
)

type op struct {
	Op         string      `json:"op"`
	Manager    string      `json:"manager"`
	APIVersion string      `json:"apiVersion"`
	Object     interface{} `json:"object"`
}

type spec struct {
	Schema interface{} `json:"schema"`
	Type   string      `json:"type"`
	Ops    []op        `json:"ops"`
}

type conflict struct {
	Manager string `json:"manager"`
	Path    string `json:"path"`
}

type opResult struct {
	Conflicts []conflict `json:"conflicts,omitempty"`
	Error     string     `json:"error,omitempty"`
	Noop      bool       `json:"noop,omitempty"`
}

type managerOut struct {
	APIVersion string          `json:"apiVersion"`
	Applied    bool            `json:"applied"`
	Fields     json.RawMessage `json:"fields"`
}

type output struct {
	Ops      []opResult            `json:"ops"`
	Object   interface{}           `json:"object"`
	Managers map[string]managerOut `json:"managers"`
}

type sameVersion struct{}

func (sameVersion) Convert(v *typed.TypedValue, _ fieldpath.APIVersion) (*typed.TypedValue, error) {
	return v, nil
}
func (sameVersion) IsMissingVersionError(error) bool { return false }

func main() {
	var s spec
	if err := json.NewDecoder(os.Stdin).Decode(&s); err != nil {
		panic(err)
	}
	schemaJSON, _ := json.Marshal(s.Schema)
	parser, err := typed.NewParser(typed.YAMLObject(schemaJSON))
	if err != nil {
		panic(err)
	}
	pt := parser.Type(s.Type)
	live, err := pt.FromUnstructured(nil)
	if err != nil {
		panic(err)
	}
	updater := &merge.Updater{Converter: sameVersion{}}
	managers := fieldpath.ManagedFields{}
	out := output{Managers: map[string]managerOut{}}
	for _, o := range s.Ops {
		res := opResult{}
		obj, err := pt.FromUnstructured(o.Object)
		if err != nil {
			res.Error = err.Error()
			out.Ops = append(out.Ops, res)
			continue
		}
		version := fieldpath.APIVersion(o.APIVersion)
		switch o.Op {
		case "apply", "force":
			newObj, m, err := updater.Apply(live, obj, version, managers, o.Manager, o.Op == "force")
			if err != nil {
				if cs, ok := err.(merge.Conflicts); ok {
					for _, c := range cs {
						res.Conflicts = append(res.Conflicts, conflict{Manager: c.Manager, Path: c.Path.String()})
					}
					sort.Slice(res.Conflicts, func(i, j int) bool {
						if res.Conflicts[i].Manager != res.Conflicts[j].Manager {
							return res.Conflicts[i].Manager < res.Conflicts[j].Manager
						}
						return res.Conflicts[i].Path < res.Conflicts[j].Path
					})
				} else {
					res.Error = err.Error()
				}
				break
			}
			managers = m
			if newObj == nil {
				res.Noop = true
			} else {
				live = newObj
			}
		case "update":
			newObj, m, err := updater.Update(live, obj, version, managers, o.Manager)
			if err != nil {
				res.Error = err.Error()
				break
			}
			managers = m
			live = newObj
		default:
			panic(fmt.Sprintf("unknown op %q", o.Op))
		}
		out.Ops = append(out.Ops, res)
	}
	out.Object = live.AsValue().Unstructured()
	for name, vs := range managers {
		b, err := vs.Set().ToJSON()
		if err != nil {
			panic(err)
		}
		out.Managers[name] = managerOut{APIVersion: string(vs.APIVersion()), Applied: vs.Applied(), Fields: b}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
