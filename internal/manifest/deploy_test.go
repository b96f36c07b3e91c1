package manifest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/oci"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/runtime/containerd"
	"github.com/trustedpods/tpod/internal/runtime/containerd/containerdtest"
	"github.com/trustedpods/tpod/internal/testimage"
)

// role is how a stand-in image behaves: the standin program's entrypoint,
// command and environment (testdata/standin).
type role struct {
	entrypoint, cmd []string
	env             []string
}

func dbRole(port int) role {
	return role{entrypoint: []string{"/standin", "db"}, env: []string{fmt.Sprintf("STANDIN_PORT=%d", port)}}
}

// webRole serves HTTP on port; "/" reaches the database named by the
// variable dbEnv (default port dbPort).
func webRole(port int, dbEnv string, dbPort int, extra ...string) role {
	env := []string{fmt.Sprintf("STANDIN_PORT=%d", port), "STANDIN_DB_ENV=" + dbEnv, fmt.Sprintf("STANDIN_DB_PORT=%d", dbPort)}
	return role{entrypoint: []string{"/standin"}, cmd: []string{"web"}, env: append(env, extra...)}
}

var busybox = role{entrypoint: nil, cmd: []string{"sh"}}

// standins builds (once) the stand-in images: one layer holding the
// standin binary under the names the corpus runs, one config per role.
type standins struct {
	once  sync.Once
	err   error
	bin   []byte
	dir   string
	mu    sync.Mutex
	built map[string]string
}

var standin standins

func (s *standins) image(t *testing.T, r role) runtime.Image {
	t.Helper()
	s.once.Do(func() {
		s.dir, s.err = os.MkdirTemp("", "tpod-standin-")
		if s.err != nil {
			return
		}
		bin := filepath.Join(s.dir, "standin")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
		cmd.Dir = "testdata/standin"
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goruntime.GOARCH)
		if out, err := cmd.CombinedOutput(); err != nil {
			s.err = fmt.Errorf("build standin: %v\n%s", err, out)
			return
		}
		s.bin, s.err = os.ReadFile(bin)
		s.built = map[string]string{}
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	key := fmt.Sprint(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.built[key]; ok {
		return runtime.Image{Archive: p}
	}
	files := []oci.File{
		{Path: "/standin", Mode: 0o755, Data: s.bin},
		{Path: "/tmp", Mode: 0o1777, Dir: true},
		{Path: "/etc", Mode: 0o755, Dir: true},
	}
	for _, name := range []string{"/bin/sh", "/bin/bash", "/bin/echo", "/bin/cat", "/bin/sleep", "/bin/true", "/bin/false", "/usr/bin/tail",
		"/usr/bin/pg_isready", "/usr/bin/redis-cli", "/usr/bin/mysqladmin", "/usr/bin/curl", "/usr/local/bin/migrate", "/usr/local/bin/docker-entrypoint.sh"} {
		files = append(files, oci.File{Path: name, Link: "/standin"})
	}
	env := append([]string{"PATH=/usr/local/bin:/usr/bin:/bin"}, r.env...)
	img, err := oci.NewImage(files, oci.ImageConfig{Entrypoint: r.entrypoint, Cmd: r.cmd, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(s.dir, fmt.Sprintf("img-%d.tar", len(s.built)))
	if err := testimage.WriteLayoutTar(p, img); err != nil {
		t.Fatal(err)
	}
	s.built[key] = p
	return runtime.Image{Archive: p}
}

// deployCase deploys one corpus file with stand-in images and checks it
// answers as its real counterpart would.
type deployCase struct {
	file    string
	images  map[string]role
	secrets map[string]string // given at bundle time (--secret)
	check   func(t *testing.T, st runtime.PodStatus)
}

// TestCorpusDeploys runs corpus files on containerd (runc) with stand-in
// images: a database and a web app that reaches it by service name, init
// containers preparing a volume, a migration gated on a healthcheck,
// ConfigMaps and Secrets as files and variables.
func TestCorpusDeploys(t *testing.T) {
	e := containerdtest.Require(t, "manifest")
	rt, err := containerd.New(context.Background(), containerd.Config{
		Address: e.Address, Namespace: e.Namespace, DataDir: e.DataDir, StateDir: e.StateDir,
		Network:    containerd.NetworkConfig{Name: e.Network, Bridge: e.Bridge, Subnet: "172.30.225.0/24"},
		GPUDevices: []string{},
		Logger:     containerdtest.Logger(t, slog.LevelWarn),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	cleanStalePods(t, rt)
	cases := []deployCase{
		{file: "gitea-postgres.compose.yaml", images: map[string]role{
			"gitea/gitea:latest": webRole(3000, "DB_HOST", 5432), "postgres:alpine": dbRole(5432)},
			check: wantBody(3000, "/", "ok PONG")},
		{file: "wordpress-mariadb.compose.yaml", images: map[string]role{
			"wordpress:latest": webRole(80, "WORDPRESS_DB_HOST", 3306), "mariadb:10.6.4-focal": dbRole(3306)},
			check: wantBody(80, "/", "ok PONG")},
		{file: "healthcheck-migrate.compose.yaml", images: map[string]role{
			"example/app:1.0": webRole(8080, "DATABASE_URL", 5432), "postgres:16": dbRole(5432)},
			check: all(wantBody(8080, "/", "ok PONG"), wantExited("migrate", 0))},
		{file: "interpolation/compose.yaml", images: map[string]role{
			"ghcr.io/example/photos-server:v1.106.4": webRole(2283, "DB_HOSTNAME", 5432), "docker.io/library/postgres:16": dbRole(5432)},
			check: all(wantBody(2283, "/", "ok PONG"), wantBody(2283, "/env?name=LOG_LEVEL", "log"), wantBody(2283, "/env?name=DB_PASSWORD", "postgres-secret"))},
		{file: "secrets-files/compose.yaml", images: map[string]role{
			"example/app:1.0": webRole(8080, "", 0), "postgres:16": dbRole(5432)},
			check: all(wantBody(8080, "/file?path=/run/secrets/db_password", "correct horse battery staple\n"), wantBody(8080, "/file?path=/run/secrets/token", "tok-123"), wantTCP(5432))},
		{file: "nextcloud-redis-mariadb.compose.yaml", images: map[string]role{
			"nextcloud:apache": webRole(80, "MYSQL_HOST", 3306), "mariadb:10.6": dbRole(3306), "redis:alpine": dbRole(6379)},
			check: all(wantBody(80, "/", "ok PONG"), wantTCP(6379))},
		{file: "k8s-init-prepares-volume.yaml", images: map[string]role{
			"nginx": webRole(80, "", 0), "busybox:1.28": busybox},
			check: all(wantBody(80, "/file?path=/usr/share/nginx/html/index.html", "<h1>hello from init</h1>\n"), wantExited("install", 0))},
		{file: "k8s-configmap-volume-subpath.yaml", images: map[string]role{"nginx:1.25": webRole(80, "", 0)},
			check: all(wantContains(80, "/file?path=/etc/nginx/conf.d/default.conf", "proxy_pass http://backend:8080"), wantBody(80, "/file?path=/etc/proxy-conf/extra.conf", "# empty\n"))},
		{file: "k8s-secret-env-and-volume.yaml", images: map[string]role{"nginx": webRole(80, "", 0)},
			check: all(wantBody(80, "/env?name=SECRET_USERNAME", "my-app"), wantBody(80, "/file?path=/etc/secret-volume/password", "39528$vdg7Jb"), wantBody(80, "/file?path=/etc/pw/db-password", "39528$vdg7Jb"))},
		{file: "k8s-mongo-express.yaml", images: map[string]role{
			"mongo-express": webRole(8081, "ME_CONFIG_MONGODB_SERVER", 27017), "mongo": dbRole(27017)},
			check: all(wantBody(8081, "/", "ok PONG"), wantBody(8081, "/env?name=ME_CONFIG_MONGODB_ADMINPASSWORD", "password"))},
		{file: "k8s-wordpress-mysql.yaml", secrets: map[string]string{"mysql-pass.password": "s3cret"}, images: map[string]role{
			"wordpress:6.2.1-apache": webRole(80, "WORDPRESS_DB_HOST", 3306), "mysql:8.0": dbRole(3306)},
			check: all(wantBody(80, "/", "ok PONG"), wantBody(80, "/env?name=WORDPRESS_DB_PASSWORD", "s3cret"))},
		{file: "k8s-guestbook.yaml", images: map[string]role{
			"us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5": webRole(80, "STANDIN_TARGET", 6379, "STANDIN_TARGET=redis-leader.default.svc.cluster.local"),
			"docker.io/redis:6.0.5": dbRole(6379),
			"us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower:v2": dbRole(6380)},
			check: all(wantBody(80, "/", "ok PONG"), wantTCP(6380))},
		{file: "k8s-postgres-configmap-pvc.yaml", images: map[string]role{"postgres:10.1": dbRole(5432)},
			check: wantTCP(5432)},
	}
	for _, dc := range cases {
		t.Run(dc.file, func(t *testing.T) { deploy(t, rt, dc) })
	}
}

func deploy(t *testing.T, rt runtime.Runtime, dc deployCase) {
	c := corpusEntry{name: dc.file, path: filepath.Join("testdata/corpus", dc.file)}
	p, _, err := c.load(t)
	if err != nil {
		t.Fatal(err)
	}
	images := map[string]runtime.Image{}
	for _, ref := range p.Images() {
		r, ok := dc.images[ref]
		if !ok {
			t.Fatalf("no stand-in for image %s", ref)
		}
		images[ref] = standin.image(t, r)
	}
	secrets := map[string][]byte{}
	for k, v := range p.FileSecrets {
		secrets[k] = v
	}
	for k, v := range dc.secrets {
		secrets[k] = []byte(v)
	}
	id := fmt.Sprintf("mf-%s-%d", sanitizeLabel(strings.TrimSuffix(strings.Split(dc.file, ".")[0], "/compose")), time.Now().UnixNano()%100000)
	if len(id) > 40 {
		id = id[:40]
	}
	spec, err := p.RuntimeSpec(strings.Trim(id, "-"), images, secrets)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := rt.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if t.Failed() {
			logs(t, rt, spec)
		}
		if err := rt.Delete(ctx, spec.ID, time.Second); err != nil {
			t.Errorf("delete: %v", err)
		}
	})
	t0 := time.Now()
	if err := rt.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	st, err := rt.Status(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	dc.check(t, st)
	t.Logf("%s: %d containers (%d init), answered %v after start", dc.file, len(spec.Containers), len(spec.InitContainers), time.Since(t0).Round(time.Millisecond))
}

func logs(t *testing.T, rt runtime.Runtime, spec runtime.PodSpec) {
	for _, c := range spec.AllContainers() {
		var b strings.Builder
		rt.Logs(context.Background(), spec.ID, c.Name, runtime.LogOptions{}, &b)
		t.Logf("logs of %s:\n%s", c.Name, b.String())
	}
	st, _ := rt.Status(context.Background(), spec.ID)
	t.Logf("status: %+v", st)
}

func all(checks ...func(*testing.T, runtime.PodStatus)) func(*testing.T, runtime.PodStatus) {
	return func(t *testing.T, st runtime.PodStatus) {
		for _, c := range checks {
			c(t, st)
		}
	}
}

var deployClient = &http.Client{Timeout: 2 * time.Second}

// httpGet polls until the pod answers 200 (30 s at most).
func httpGet(t *testing.T, st runtime.PodStatus, port int, path string) string {
	t.Helper()
	url := fmt.Sprintf("http://%s%s", net.JoinHostPort(st.IP, fmt.Sprint(port)), path)
	var last string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		resp, err := deployClient.Get(url)
		if err != nil {
			last = err.Error()
			continue
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if resp.StatusCode == 200 {
			return string(b)
		}
		last = resp.Status + ": " + string(b)
	}
	t.Fatalf("GET %s: %s", url, last)
	return ""
}

func wantBody(port int, path, want string) func(*testing.T, runtime.PodStatus) {
	return func(t *testing.T, st runtime.PodStatus) {
		t.Helper()
		if got := httpGet(t, st, port, path); strings.TrimSpace(got) != strings.TrimSpace(want) || !strings.HasSuffix(want, "\n") && got != want && got != want+"\n" {
			t.Errorf("GET :%d%s = %q, want %q", port, path, got, want)
		}
	}
}

func wantContains(port int, path, want string) func(*testing.T, runtime.PodStatus) {
	return func(t *testing.T, st runtime.PodStatus) {
		t.Helper()
		if got := httpGet(t, st, port, path); !strings.Contains(got, want) {
			t.Errorf("GET :%d%s = %q, want it to contain %q", port, path, got, want)
		}
	}
}

// wantTCP checks a database stand-in answers on the pod's address.
func wantTCP(port int) func(*testing.T, runtime.PodStatus) {
	return func(t *testing.T, st runtime.PodStatus) {
		t.Helper()
		addr := net.JoinHostPort(st.IP, fmt.Sprint(port))
		var err error
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			var c net.Conn
			if c, err = net.DialTimeout("tcp", addr, time.Second); err != nil {
				continue
			}
			fmt.Fprintln(c, "PING")
			c.SetDeadline(time.Now().Add(2 * time.Second))
			line, rerr := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if rerr == nil && strings.TrimSpace(line) == "PONG" {
				return
			}
			err = fmt.Errorf("answer %q, %v", line, rerr)
		}
		t.Errorf("database at %s: %v", addr, err)
	}
}

// wantExited checks an (init) container ran to completion with code.
func wantExited(name string, code uint32) func(*testing.T, runtime.PodStatus) {
	return func(t *testing.T, st runtime.PodStatus) {
		t.Helper()
		for _, c := range st.Containers {
			if c.Name == name {
				if c.State != runtime.ContainerExited || c.ExitCode != code {
					t.Errorf("container %s: %+v, want exited with %d", name, c, code)
				}
				return
			}
		}
		t.Errorf("no container %s in %+v", name, st.Containers)
	}
}

// cleanStalePods deletes pods an interrupted earlier run left.
func cleanStalePods(t *testing.T, rt runtime.Runtime) {
	pods, err := rt.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods {
		if err := rt.Delete(context.Background(), p.Spec.ID, 0); err != nil {
			t.Logf("delete stale %s: %v", p.Spec.ID, err)
		}
	}
}
