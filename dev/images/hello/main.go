// The web server of the bundled "Hello Kubernetes" chart: a page with the
// configured message, the pod and node it runs on, who is signed in (the
// header Knot's forward-auth passes on), and what the container sees in its
// private and shared folders and in each mounted dataset (/mnt/datasets/*).
// GET /api/info returns the same as JSON;
// GET /api/headers the request headers the container received (and Host),
// so tests can see what the ingress passed on.
//
// Environment: MESSAGE, POD_NAME (else the hostname), NODE_NAME,
// KNOT_PRIVATE_DIR (default /private), KNOT_SHARED_DIR (default /shared),
// KNOT_DATASETS_DIR (default /mnt/datasets), PORT (default 8080), USER_HEADER (default X-Knot-User),
// BASE_PATH (default /): the path the page is served under besides the root
// (Knot's URL-prefix mode, e.g. /services/hello-alice/).
package main

import (
	"context"
	"encoding/json"
	"html/template"
	"log"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

type entry struct {
	Name string `json:"name"`
	Dir  bool   `json:"dir"`
	Size int64  `json:"size"`
	Mode string `json:"mode"`
	UID  uint32 `json:"uid"`
	GID  uint32 `json:"gid"`
}

type folder struct {
	Path    string  `json:"path"`
	Entries []entry `json:"entries"`
	// Why the folder could not be listed (not mounted, permission denied).
	Error string `json:"error,omitempty"`
}

type info struct {
	Message string   `json:"message"`
	Pod     string   `json:"pod"`
	Node    string   `json:"node"`
	User    string   `json:"user,omitempty"`
	UID     int      `json:"uid"`
	GID     int      `json:"gid"`
	Groups  []int    `json:"groups"`
	Folders []folder `json:"folders"`
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func list(path string) folder {
	f := folder{Path: path, Entries: []entry{}}
	dirents, err := os.ReadDir(path)
	if err != nil {
		f.Error = err.Error()
		return f
	}
	for _, d := range dirents {
		fi, err := d.Info()
		if err != nil {
			continue // removed while listing
		}
		e := entry{Name: d.Name(), Dir: d.IsDir(), Size: fi.Size(), Mode: fi.Mode().String()}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			e.UID, e.GID = st.Uid, st.Gid
		}
		f.Entries = append(f.Entries, e)
	}
	sort.Slice(f.Entries, func(i, j int) bool { return f.Entries[i].Name < f.Entries[j].Name })
	return f
}

// The folders to show: private, shared, then one per mounted dataset.
func folders() []folder {
	out := []folder{list(env("KNOT_PRIVATE_DIR", "/private")), list(env("KNOT_SHARED_DIR", "/shared"))}
	datasets := env("KNOT_DATASETS_DIR", "/mnt/datasets")
	if dirents, err := os.ReadDir(datasets); err == nil {
		for _, d := range dirents {
			out = append(out, list(filepath.Join(datasets, d.Name())))
		}
	}
	return out
}

func gather(r *http.Request) info {
	host, _ := os.Hostname()
	groups, _ := os.Getgroups()
	sort.Ints(groups)
	return info{
		Message: env("MESSAGE", "Hello from Knot!"),
		Pod:     env("POD_NAME", host),
		Node:    env("NODE_NAME", "unknown"),
		User:    r.Header.Get(env("USER_HEADER", "X-Knot-User")),
		UID:     os.Getuid(),
		GID:     os.Getgid(),
		Groups:  groups,
		Folders: folders(),
	}
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hello Kubernetes</title>
<style>body{font-family:sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}
td,th{padding:.2rem .8rem;text-align:left;border-bottom:1px solid #ddd}.err{color:#b00}</style></head>
<body>
<h1 id="message">{{.Message}}</h1>
<p>pod <b id="pod">{{.Pod}}</b> on node <b id="node">{{.Node}}</b>,
running as uid {{.UID}} gid {{.GID}}{{if .Groups}} (groups {{range $i, $g := .Groups}}{{if $i}}, {{end}}{{$g}}{{end}}){{end}}</p>
{{if .User}}<p>signed in as <b id="user">{{.User}}</b></p>{{end}}
{{range .Folders}}<h2>{{.Path}}</h2>
{{if .Error}}<p class="err">{{.Error}}</p>{{else if not .Entries}}<p>(empty)</p>{{else}}
<table data-folder="{{.Path}}"><tr><th>name</th><th>size</th><th>mode</th><th>owner</th></tr>
{{range .Entries}}<tr><td>{{.Name}}{{if .Dir}}/{{end}}</td><td>{{.Size}}</td><td>{{.Mode}}</td><td>{{.UID}}:{{.GID}}</td></tr>
{{end}}</table>{{end}}
{{end}}</body></html>
`))

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/info", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(gather(r))
	})
	mux.HandleFunc("GET /api/headers", func(w http.ResponseWriter, r *http.Request) {
		headers := map[string][]string{"Host": {r.Host}}
		for name, values := range r.Header {
			headers[name] = values
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(headers)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := page.Execute(w, gather(r)); err != nil {
			log.Printf("render: %v", err)
		}
	})
	// Under BASE_PATH as well as at the root (the probes ask the root).
	handler := http.Handler(mux)
	if base := strings.TrimSuffix(env("BASE_PATH", "/"), "/"); base != "" {
		root := http.NewServeMux()
		root.Handle(base+"/", http.StripPrefix(base, mux))
		root.Handle(base, http.RedirectHandler(base+"/", http.StatusFound))
		root.Handle("/", mux)
		handler = root
	}
	srv := &http.Server{Addr: ":" + env("PORT", "8080"), Handler: handler, ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("hello: listening on %s", srv.Addr)
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
