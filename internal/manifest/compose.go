package manifest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/dotenv"
	interp "github.com/compose-spec/compose-go/v2/interpolation"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
)

// Compose files are read by compose-spec's reference loader (compose-go):
// interpolation, .env, env_file, extends, include, profiles and the schema
// are its; what each key becomes in a pod is ours (composeKeys and
// docs/manifest.md).

// composeXTpod is the x-tpod extension of a service.
type composeXTpod struct {
	Expose    string   `json:"expose"`
	Hostnames []string `json:"hostnames"`
	Storage   string   `json:"storage"`
}

// composeKeys says what becomes of every service key of the Compose
// specification. Keys not listed are unknown (a typo, or a newer spec).
var composeKeys = map[string]keyRule{
	"image": mapped, "command": mapped, "entrypoint": mapped, "environment": mapped,
	"env_file": mapped, "ports": mapped, "expose": mapped, "volumes": mapped, "tmpfs": mapped,
	"secrets": mapped, "configs": mapped, "working_dir": mapped, "user": mapped, "shm_size": mapped,
	"healthcheck": mapped, "depends_on": mapped, "restart": mapped, "deploy": mapped,
	"cpus": mapped, "mem_limit": mapped, "mem_reservation": mapped, "read_only": mapped,
	"cap_drop": mapped, "cap_add": checked, "hostname": mapped, "container_name": mapped,
	"networks": mapped, "links": mapped, "gpus": mapped, "scale": mapped, "profiles": mapped,
	"extends": mapped, "build": checked, "network_mode": checked, "pid": checked, "ipc": checked,
	"uts": checked, "userns_mode": checked, "security_opt": checked, "cgroup": checked,
	"privileged":          refused("gives the container the host's devices and every capability", "remove it; a provider runs untrusted pods"),
	"devices":             refused("maps host devices into the container", "GPUs: use deploy.resources.reservations.devices or gpus"),
	"device_cgroup_rules": refused("grants access to host devices", ""),
	"volumes_from":        refused("shares another container's mounts", "mount the same named volume in both services"),
	"use_api_socket":      refused("exposes the container engine's socket", ""),
	"provider":            refused("delegates the service to an external provider", ""),
	"models":              refused("needs a model runner on the host", ""),
	"credential_spec":     refused("Windows only", ""),
	"annotations":         silent, "labels": silent, "label_file": silent, "pull_policy": silent,
	"pull_refresh_after": silent, "attach": silent, "develop": silent, "stdin_open": silent, "tty": silent,
	"platform":          warned("images come from the bundle for the provider's platform"),
	"logging":           warned("the provider keeps each container's output (tpod pod logs)"),
	"log_driver":        warned("the provider keeps each container's output (tpod pod logs)"),
	"log_opt":           warned("the provider keeps each container's output (tpod pod logs)"),
	"stop_grace_period": warned("the provider's stop grace applies"),
	"stop_signal":       warned("containers are stopped with SIGTERM"),
	"init":              warned("no init process is injected"),
	"dns":               warned("the pod uses the provider's resolver"),
	"dns_opt":           warned("the pod uses the provider's resolver"),
	"dns_search":        warned("the pod uses the provider's resolver"),
	"domainname":        warned("not set"),
	"extra_hosts":       warned("only the pod's own names are in /etc/hosts"),
	"external_links":    warned("no containers outside the pod"),
	"mac_address":       warned("the provider assigns the pod's interface"),
	"ulimits":           warned("the runtime's limits apply"),
	"sysctls":           warned("the runtime's defaults apply"),
	"oom_score_adj":     warned("not set"),
	"oom_kill_disable":  warned("a container over its memory is always killed"),
	"mem_swappiness":    warned("no swap"),
	"memswap_limit":     warned("no swap"),
	"cpu_shares":        warned("use cpus or deploy.resources"),
	"cpu_quota":         warned("use cpus or deploy.resources"),
	"cpu_period":        warned("use cpus or deploy.resources"),
	"cpu_rt_period":     warned("no real-time scheduling"),
	"cpu_rt_runtime":    warned("no real-time scheduling"),
	"cpu_count":         warned("use cpus or deploy.resources"),
	"cpu_percent":       warned("use cpus or deploy.resources"),
	"cpuset":            warned("containers are not pinned to CPUs"),
	"blkio_config":      warned("no block I/O weights"),
	"pids_limit":        warned("the runtime's process limit applies"),
	"group_add":         warned("not set"),
	"isolation":         warned("the provider's sandbox applies"),
	"runtime":           warned("the provider's sandbox applies"),
	"storage_opt":       warned("use x-tpod.storage for the writable layer's size"),
	"cgroup_parent":     warned("the runtime places the pod's cgroups"),
	"volume_driver":     warned("volumes are the provider's disks"),
	"post_start":        warned("lifecycle hooks are not run"),
	"pre_start":         warned("lifecycle hooks are not run"),
	"pre_stop":          warned("lifecycle hooks are not run"),
	"net":               warned("obsolete; all services share the pod's network"),
	"x-tpod":            mapped,
}

type keyHow int

const (
	kMapped  keyHow = iota // becomes part of the pod
	kChecked               // accepted or refused depending on its value
	kSilent                // accepted, no effect on a provider
	kWarned                // ignored with a warning
	kRefused               // refused
)

type keyRule struct {
	how       keyHow
	why, hint string
}

var (
	mapped  = keyRule{how: kMapped}
	checked = keyRule{how: kChecked}
	silent  = keyRule{how: kSilent}
)

func warned(why string) keyRule     { return keyRule{how: kWarned, why: why} }
func refused(why, h string) keyRule { return keyRule{how: kRefused, why: why, hint: h} }

// defaultCaps is Docker's and containerd's default capability set: adding
// one of these changes nothing, anything else is refused.
var defaultCaps = []string{"CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
	"SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE"}

// composeLoad holds one Compose load.
type composeLoad struct {
	*diag
	project *types.Project
	model   map[string]any
	pod     *Pod
	secrets map[string][]byte
	// sidecarOf marks services that others wait for (they become sidecar
	// init containers); initOf those that must complete first.
	waitedHealthy, waitedStarted, waitedDone map[string]bool
}

func loadCompose(d *diag, data []byte, filename string, opts Options) (*Pod, error) {
	cl := &composeLoad{diag: d, secrets: map[string][]byte{}}
	if err := cl.read(data, filename, opts); err != nil {
		return nil, err
	}
	cl.pod = &Pod{Name: composeName(cl.project.Name, filename)}
	cl.checkTopLevel()
	cl.planOrder()
	for _, name := range cl.serviceOrder() {
		cl.service(name)
	}
	cl.scale()
	if len(cl.secrets) > 0 {
		cl.pod.FileSecrets = cl.secrets
	}
	return cl.pod, nil
}

// read runs compose-go: interpolation (from opts.Env and a .env beside the
// file), includes, extends, profiles, the schema; then the typed project.
func (cl *composeLoad) read(data []byte, filename string, opts Options) error {
	dir := opts.Dir
	if dir == "" {
		dir = filepath.Dir(filename)
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	env := map[string]string{}
	if dotEnv := filepath.Join(absDir, ".env"); fileExists(dotEnv) {
		vals, err := dotenv.GetEnvFromFile(opts.Env, []string{dotEnv})
		if err != nil {
			cl.bad(0, "", "%s: %v", ".env", err)
			return cl.err()
		}
		for k, v := range vals {
			env[k] = v
		}
	}
	for k, v := range opts.Env { // the environment wins over .env, as in Compose
		env[k] = v
	}
	missing := map[string]bool{}
	details := types.ConfigDetails{
		WorkingDir:  absDir,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(absDir, filepath.Base(filename)), Content: data}},
		Environment: env,
	}
	withOpts := func(o *loader.Options) {
		o.SetProjectName(composeName("", filename), false)
		o.Interpolate = &interp.Options{
			LookupValue: details.LookupEnv,
			Substitute: func(tmpl string, m template.Mapping) (string, error) {
				return template.SubstituteWithOptions(tmpl, m, template.WithoutLogging,
					template.WithReplacementFunction(func(s string, m template.Mapping, cfg *template.Config) (string, error) {
						v, ok, err := template.DefaultReplacementAppliedFunc(s, m, cfg)
						if err == nil && !ok {
							if name := varName(s); name != "" {
								missing[name] = true
							}
						}
						return v, err
					}))
			},
		}
	}
	var model map[string]any
	var project *types.Project
	err = safely(func() error {
		model, err = loader.LoadModelWithContext(context.Background(), details, withOpts)
		if err != nil {
			return err
		}
		name, _ := model["name"].(string) // ModelToProject deletes it
		lopts := loader.ToOptions(&details, []func(*loader.Options){withOpts})
		lopts.SetProjectName(name, true)
		project, err = loader.ModelToProject(model, lopts, details)
		return err
	})
	if err != nil {
		cl.composeError(err)
		return cl.err()
	}
	cl.model, cl.project = model, project
	for _, name := range slices.Sorted(mapKeys(missing)) {
		cl.warn(0, "", "variable %s is not set: it was replaced by an empty string", name,
			hint("set it in the environment or in a .env file beside the Compose file"))
	}
	for _, name := range slices.Sorted(mapKeys(project.DisabledServices)) {
		cl.warn(0, "services."+name, "not deployed: its profiles %v are not active", project.DisabledServices[name].Profiles)
	}
	return nil
}

// safely runs fn, turning a panic of the Compose library on odd input
// (seen with fuzzed ulimits) into an error.
func safely(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("a value has an unexpected type or is missing (%v)", r)
		}
	}()
	return fn()
}

var varNameRe = regexp.MustCompile(`^\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

func varName(s string) string {
	if m := varNameRe.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func mapKeys[M ~map[string]V, V any](m M) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// composeErrRe splits compose-go's messages: "validating FILE: PATH MSG",
// "services.web.ports must be a array", "error while interpolating PATH: MSG".
var (
	composeValidating = regexp.MustCompile(`^(validating|failed to parse) [^:]*: (yaml: )?(construct errors:\s*)?`)
	composePathMsg    = regexp.MustCompile(`^((?:services|volumes|networks|secrets|configs|include|x-[^ .]*)(?:\.[^ ]+)?) (.*)$`)
	composeInterp     = regexp.MustCompile(`^error while interpolating ([^:]+): (.*)$`)
)

// composeError turns a compose-go error into a positioned problem without
// the library's wording where it is unhelpful.
func (cl *composeLoad) composeError(err error) {
	msg := composeValidating.ReplaceAllString(err.Error(), "")
	if m := composeInterp.FindStringSubmatch(msg); m != nil {
		cl.bad(0, m[1], "%s", m[2], hint("set the variable in the environment or in a .env file beside the Compose file"))
		return
	}
	if m := composePathMsg.FindStringSubmatch(msg); m != nil {
		p := dotIndexes(m[1])
		reason := m[2]
		switch {
		case strings.HasSuffix(reason, "false schema"), strings.Contains(reason, "additional properties"):
			reason = "unknown key"
		case strings.HasPrefix(reason, "must be a "):
			reason = strings.Replace(reason, "must be a array", "must be a list", 1)
		}
		cl.bad(0, p, "%s", reason)
		return
	}
	var perr *os.PathError
	if errors.As(err, &perr) {
		cl.bad(0, "", "%s: %v", filepath.Base(perr.Path), perr.Err)
		return
	}
	cl.bad(0, "", "%s", yamlError(errors.New(msg)))
}

var dotIndexRe = regexp.MustCompile(`\.(\d+)(\.|$)`)

// dotIndexes rewrites compose-go's "ports.0" as "ports[0]".
func dotIndexes(p string) string {
	for {
		q := dotIndexRe.ReplaceAllString(p, "[$1]$2")
		if q == p {
			return p
		}
		p = q
	}
}

// composeName is the pod's name: the project's name, else the file's.
func composeName(project, filename string) string {
	name := project
	if name == "" {
		base := filepath.Base(filename)
		base = strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml")
		base = strings.TrimSuffix(strings.TrimPrefix(base, "docker-"), "compose")
		name = base
	}
	name = sanitizeLabel(name)
	if name == "" {
		name = "compose"
	}
	return name
}

// sanitizeLabel lowercases s and keeps it a DNS label.
func sanitizeLabel(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0:
			b.WriteRune('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	for strings.Contains(out, "--") {
		out = strings.ReplaceAll(out, "--", "-")
	}
	if len(out) > 63 {
		out = strings.Trim(out[:63], "-")
	}
	return out
}

// checkTopLevel reports top-level keys: networks are accepted (one pod is
// one network), jobs and models refused.
func (cl *composeLoad) checkTopLevel() {
	if len(cl.project.Networks) > 0 {
		names := slices.Sorted(mapKeys(cl.project.Networks))
		names = slices.DeleteFunc(names, func(n string) bool { return n == "default" })
		if len(names) > 0 {
			cl.warn(0, "networks", "networks %s: one pod is one network namespace, so every service reaches every other", strings.Join(names, ", "))
		}
	}
	if len(cl.project.Jobs) > 0 {
		cl.bad(0, "jobs", "not supported", hint("run one-off work as a service others depend on with condition: service_completed_successfully"))
	}
	if len(cl.project.Models) > 0 {
		cl.bad(0, "models", "not supported: needs a model runner on the host")
	}
	if len(cl.project.Services) == 0 {
		cl.bad(0, "services", "at least one service is required")
	}
}

// planOrder reads depends_on: a service waited for with service_healthy or
// service_started runs as a sidecar init container, one waited for with
// service_completed_successfully as an init container that must exit 0.
func (cl *composeLoad) planOrder() {
	cl.waitedHealthy, cl.waitedStarted, cl.waitedDone = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, name := range slices.Sorted(mapKeys(cl.project.Services)) {
		s := cl.project.Services[name]
		for dep, c := range s.DependsOn {
			if _, ok := cl.project.Services[dep]; !ok {
				if c.Required {
					cl.bad(0, "services."+name+".depends_on."+dep, "no service %q", dep)
				}
				continue
			}
			switch c.Condition {
			case types.ServiceConditionHealthy:
				cl.waitedHealthy[dep] = true
				if cl.project.Services[dep].HealthCheck == nil || cl.project.Services[dep].HealthCheck.Disable {
					cl.bad(0, "services."+name+".depends_on."+dep, "waits for %s to be healthy, but %s has no healthcheck", dep, dep)
				}
			case types.ServiceConditionCompletedSuccessfully:
				cl.waitedDone[dep] = true
			default:
				cl.waitedStarted[dep] = true
			}
		}
	}
	for dep := range cl.waitedDone {
		if cl.waitedHealthy[dep] || cl.waitedStarted[dep] {
			cl.bad(0, "services."+dep, "others wait both for it to run and for it to complete")
		}
	}
}

// serviceOrder sorts services so that each comes after what it depends on
// (ties by name); a cycle is reported.
func (cl *composeLoad) serviceOrder() []string {
	names := slices.Sorted(mapKeys(cl.project.Services))
	state := map[string]int{} // 1 visiting, 2 done
	var out []string
	var visit func(n string, trail []string)
	visit = func(n string, trail []string) {
		switch state[n] {
		case 2:
			return
		case 1:
			cl.bad(0, "services."+n+".depends_on", "dependency cycle: %s", strings.Join(append(trail, n), " → "))
			return
		}
		state[n] = 1
		deps := slices.Sorted(mapKeys(cl.project.Services[n].DependsOn))
		for _, d := range deps {
			if _, ok := cl.project.Services[d]; ok {
				visit(d, append(trail, n))
			}
		}
		state[n] = 2
		out = append(out, n)
	}
	for _, n := range names {
		visit(n, nil)
	}
	return out
}

// service maps one service into the pod: an init container (sidecar or run
// to completion) when others wait for it, else a container.
func (cl *composeLoad) service(name string) {
	s := cl.project.Services[name]
	sp := "services." + name
	cl.checkKeys(name)
	cl.from("container "+name, 0, sp)
	c := Container{Name: name, Image: s.Image, WorkingDir: s.WorkingDir, User: s.User}
	if s.Image == "" {
		cl.bad(0, sp, "has no image", hint("build and save the image (docker save), name it with image: NAME, then pass --image NAME=FILE"))
	} else if s.Build != nil {
		cl.warn(0, sp+".build", "ignored: the image %s comes from the bundle", s.Image, hint("pass --image "+s.Image+"=FILE"))
	}
	// Compose's entrypoint replaces the image ENTRYPOINT (Kubernetes command),
	// its command the image CMD (Kubernetes args).
	c.Command, c.Args = []string(s.Entrypoint), []string(s.Command)
	c.Env = cl.environment(sp, s)
	cl.ports(sp, s, &c)
	cl.resources(sp, s, &c)
	cl.volumes(sp, name, s, &c)
	cl.serviceSecrets(sp, name, s, &c)
	cl.serviceConfigs(sp, name, s, &c)
	cl.security(sp, s, &c)
	cl.restart(sp, s, &c)
	cl.healthcheck(sp, name, s, &c)
	cl.names(name, s)
	switch {
	case cl.waitedDone[name]:
		if c.Restart == RestartAlways {
			c.Restart = RestartOnFailure
		}
		c.Readiness, c.Liveness = nil, nil
		cl.pod.InitContainers = append(cl.pod.InitContainers, c)
	case cl.waitedHealthy[name] || cl.waitedStarted[name]:
		c.Sidecar = true
		if cl.waitedHealthy[name] && c.Readiness != nil {
			start := *c.Readiness
			c.Startup = &start
			c.Startup.FailureThreshold = startupFailures(c.Readiness)
		}
		cl.pod.InitContainers = append(cl.pod.InitContainers, c)
	default:
		cl.pod.Containers = append(cl.pod.Containers, c)
	}
}

// startupFailures lets a dependency's startup wait as long as Compose's
// start_period plus its retries would (at least a minute).
func startupFailures(p *Probe) int {
	period := max(time.Duration(p.Period), time.Second)
	n := int(time.Minute / period)
	return max(n, p.FailureThreshold, 3)
}

// checkKeys reports the service's keys the table ignores, warns about or
// refuses, and unknown ones.
func (cl *composeLoad) checkKeys(name string) {
	svc, _ := cl.model["services"].(map[string]any)[name].(map[string]any)
	var ignored []string
	for _, key := range slices.Sorted(mapKeys(svc)) {
		kp := "services." + name + "." + key
		rule, ok := composeKeys[key]
		switch {
		case strings.HasPrefix(key, "x-"), strings.HasPrefix(key, "#"), key == "name":
			// extensions, and what compose-go adds itself
		case !ok:
			cl.bad(0, kp, "unknown key")
		case rule.how == kWarned:
			ignored = append(ignored, key+" ("+rule.why+")")
		case rule.how == kRefused:
			cl.bad(0, kp, "refused: %s", rule.why, hint(rule.hint))
		}
	}
	if len(ignored) > 0 {
		cl.warn(0, "services."+name, "ignored: %s", strings.Join(ignored, "; "))
	}
}

func (cl *composeLoad) environment(sp string, s types.ServiceConfig) []EnvVar {
	var env []EnvVar
	for _, k := range slices.Sorted(mapKeys(s.Environment)) {
		v := s.Environment[k]
		if v == nil {
			cl.warn(0, sp+".environment", "%s has no value here (it would come from the host): it is left unset", k,
				hint("give it a value, e.g. "+k+"=${"+k+"}, and set the variable when you deploy"))
			continue
		}
		env = append(env, EnvVar{Name: k, Value: *v})
	}
	return env
}

// ports maps published ports to exposed ones and expose entries to
// pod-internal ones.
func (cl *composeLoad) ports(sp string, s types.ServiceConfig, c *Container) {
	x := cl.xtpod(s)
	expose := ExposeTCP
	if x.Expose != "" {
		expose = strings.ToLower(x.Expose)
	}
	for i, p := range s.Ports {
		pp := fmt.Sprintf("%s.ports[%d]", sp, i)
		if p.Target == 0 || p.Target > 65535 {
			cl.bad(0, pp, "container port must be 1..65535")
			continue
		}
		port := Port{Name: p.Name, ContainerPort: uint16(p.Target), Protocol: strings.ToUpper(p.Protocol)}
		switch {
		case p.HostIP == "127.0.0.1" || p.HostIP == "::1" || p.HostIP == "localhost":
			cl.warn(0, pp, "published on %s only: port %d stays inside the pod (not exposed)", p.HostIP, p.Target)
		case p.Published == "":
			// "3000": published on a random host port; exposed all the same.
			port.Expose = expose
		default:
			port.Expose = expose
			endpoint := "a TCP port of the provider's choosing"
			if expose == ExposeHTTP {
				endpoint = "HTTP through the provider's gateway, by host name"
			}
			cl.warn(0, pp, "host port %s is not used on a provider: container port %d is reachable at %s (tpod pod status shows it)", p.Published, p.Target, endpoint)
		}
		if port.Expose == ExposeHTTP {
			port.Hostnames = x.Hostnames
		}
		if port.Protocol == "UDP" && port.Expose == ExposeTCP {
			cl.warn(0, pp, "UDP port %d is not exposed (only TCP is)", p.Target)
			port.Expose = ExposeNone
		}
		if slices.ContainsFunc(c.Ports, func(q Port) bool { return q.ContainerPort == port.ContainerPort && q.Protocol == port.Protocol }) {
			continue // the same container port published twice
		}
		c.Ports = append(c.Ports, port)
	}
	for i, e := range s.Expose {
		n, err := strconv.Atoi(strings.Split(strings.Split(e, "/")[0], "-")[0])
		if err != nil || n < 1 || n > 65535 {
			cl.bad(0, fmt.Sprintf("%s.expose[%d]", sp, i), "%q is not a port", e)
			continue
		}
		if !slices.ContainsFunc(c.Ports, func(q Port) bool { return int(q.ContainerPort) == n }) {
			c.Ports = append(c.Ports, Port{ContainerPort: uint16(n)})
		}
	}
}

func (cl *composeLoad) xtpod(s types.ServiceConfig) composeXTpod {
	var x composeXTpod
	if v, ok := s.Extensions["x-tpod"]; ok {
		if err := decodeExt(v, &x); err != nil {
			cl.bad(0, "services."+s.Name+".x-tpod", "%v", err)
		}
	}
	return x
}

// resources: limits win over reservations (they are what is enforced);
// cpus and mem_limit count as limits.
func (cl *composeLoad) resources(sp string, s types.ServiceConfig, c *Container) {
	r := &c.Resources
	apply := func(p string, res *types.Resource) {
		if res == nil {
			return
		}
		if res.NanoCPUs > 0 {
			r.CPUMilli = uint64(float64(res.NanoCPUs)*1000 + 0.5)
		}
		if res.MemoryBytes > 0 {
			r.MemoryMiB = mib(int64(res.MemoryBytes))
		}
		for j, dev := range res.Devices {
			cl.gpu(fmt.Sprintf("%s.devices[%d]", p, j), dev, r)
		}
		if len(res.GenericResources) > 0 {
			cl.bad(0, p+".generic_resources", "refused: only GPUs are offered")
		}
	}
	if s.MemReservation > 0 {
		r.MemoryMiB = mib(int64(s.MemReservation))
	}
	if d := s.Deploy; d != nil {
		apply(sp+".deploy.resources.reservations", d.Resources.Reservations)
		apply(sp+".deploy.resources.limits", d.Resources.Limits)
	}
	if s.CPUS > 0 {
		r.CPUMilli = uint64(float64(s.CPUS)*1000 + 0.5)
	}
	if s.MemLimit > 0 {
		r.MemoryMiB = mib(int64(s.MemLimit))
	}
	for j, dev := range s.Gpus {
		cl.gpu(fmt.Sprintf("%s.gpus[%d]", sp, j), dev, r)
	}
	if x := cl.xtpod(s); x.Storage != "" {
		n, err := composeBytes(x.Storage)
		if err != nil {
			cl.bad(0, sp+".x-tpod.storage", "%v", err)
		}
		r.StorageMiB = n
	}
}

func (cl *composeLoad) gpu(p string, dev types.DeviceRequest, r *Resources) {
	if !slices.Contains(dev.Capabilities, "gpu") && len(dev.Capabilities) > 0 {
		cl.bad(0, p, "only gpu devices are offered")
		return
	}
	n := int64(len(dev.IDs))
	if dev.Count != 0 {
		n = int64(dev.Count)
	}
	if n < 0 {
		cl.bad(0, p+".count", "\"all\" is not supported", hint("give the number of GPUs"))
		return
	}
	if n == 0 {
		n = 1
	}
	r.GPUMilli = uint64(n) * 1000
}

func mib(b int64) uint64 { return (uint64(max(b, 0)) + 1<<20 - 1) >> 20 }

// composeBytes parses Docker byte values ("512m", "1g", "1gb"), 1024-based,
// and Kubernetes quantities ("1Gi"), into MiB rounded up.
func composeBytes(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if q, err := parseQuantity(s); err == nil && strings.IndexFunc(s, func(r rune) bool { return r == 'i' }) >= 0 {
		return mib(q.Value()), nil
	}
	var u types.UnitBytes
	err := u.DecodeMapstructure(s)
	b := int64(u)
	if err != nil || b < 0 {
		return 0, fmt.Errorf("%q is not a size like 512m or 1g", s)
	}
	return mib(b), nil
}

// volumes: named volumes are persistent (any name; x-tpod-size, default
// 1 GiB), anonymous ones and tmpfs are scratch, bind mounts are refused.
func (cl *composeLoad) volumes(sp, name string, s types.ServiceConfig, c *Container) {
	for i, m := range s.Volumes {
		mp := fmt.Sprintf("%s.volumes[%d]", sp, i)
		var vol Volume
		switch {
		case m.Type == types.VolumeTypeBind:
			src := m.Source
			if rel, err := filepath.Rel(cl.project.WorkingDir, src); err == nil && !strings.HasPrefix(rel, "..") {
				src = "./" + filepath.ToSlash(rel)
			}
			cl.bad(0, mp, "bind mount of %s: a provider has no files of yours", src,
				hint("put the files in the image, or use configs: (small files) or a named volume"))
			continue
		case m.Type == types.VolumeTypeTmpfs || (m.Type == types.VolumeTypeVolume && m.Source == ""):
			vol = Volume{Name: fmt.Sprintf("%s-scratch-%d", name, i), EmptyDir: &EmptyDirVolume{}}
			if m.Tmpfs != nil && m.Tmpfs.Size > 0 {
				vol.EmptyDir.SizeMiB = mib(int64(m.Tmpfs.Size))
			}
		case m.Type == types.VolumeTypeVolume:
			decl, ok := cl.project.Volumes[m.Source]
			if !ok {
				cl.bad(0, mp, "volume %q is not declared under the top-level volumes", m.Source)
				continue
			}
			vol = Volume{Name: m.Source, Persistent: &PersistentVolume{SizeMiB: 1024}}
			cl.from("volume "+m.Source, 0, "volumes."+m.Source)
			if decl.External {
				cl.warn(0, "volumes."+m.Source, "external: a new, empty volume is created on the provider")
			}
			if v, ok := decl.Extensions["x-tpod-size"]; ok {
				n, err := composeBytes(fmt.Sprint(v))
				if err != nil {
					cl.bad(0, "volumes."+m.Source+".x-tpod-size", "%v", err)
				}
				vol.Persistent.SizeMiB = n
			}
		default:
			cl.bad(0, mp, "%s mounts are not supported", m.Type)
			continue
		}
		cl.addVolume(vol)
		c.VolumeMounts = append(c.VolumeMounts, VolumeMount{Name: vol.Name, MountPath: path.Clean(m.Target), ReadOnly: m.ReadOnly})
	}
	for i, t := range s.Tmpfs {
		target, _, _ := strings.Cut(t, ":")
		vol := Volume{Name: fmt.Sprintf("%s-tmpfs-%d", name, i), EmptyDir: &EmptyDirVolume{}}
		cl.addVolume(vol)
		c.VolumeMounts = append(c.VolumeMounts, VolumeMount{Name: vol.Name, MountPath: path.Clean(target)})
	}
}

func (cl *composeLoad) addVolume(v Volume) {
	for _, o := range cl.pod.Volumes {
		if o.Name == v.Name {
			return
		}
	}
	cl.pod.Volumes = append(cl.pod.Volumes, v)
}

// serviceSecrets mounts a service's secrets under /run/secrets (or their
// target), one secret volume per service. Values come from the secret's
// file or environment variable when the publisher's machine has them.
func (cl *composeLoad) serviceSecrets(sp, name string, s types.ServiceConfig, c *Container) {
	byDir := map[string]*SecretVolume{}
	var dirs []string
	for i, ref := range s.Secrets {
		rp := fmt.Sprintf("%s.secrets[%d]", sp, i)
		decl, ok := cl.project.Secrets[ref.Source]
		if !ok {
			cl.bad(0, rp, "secret %q is not declared under the top-level secrets", ref.Source)
			continue
		}
		cl.secretValue(ref.Source, decl)
		target := ref.Target
		if target == "" {
			target = ref.Source
		}
		if !path.IsAbs(target) {
			target = "/run/secrets/" + target
		}
		dir, file := path.Split(path.Clean(target))
		dir = path.Clean(dir)
		sv := byDir[dir]
		if sv == nil {
			sv = &SecretVolume{}
			byDir[dir] = sv
			dirs = append(dirs, dir)
		}
		if file == ref.Source {
			sv.Secrets = append(sv.Secrets, ref.Source)
		} else {
			sv.Items = append(sv.Items, SecretItem{Secret: ref.Source, Path: file})
		}
	}
	for i, dir := range dirs {
		vname := name + "-secrets"
		if i > 0 {
			vname = fmt.Sprintf("%s-secrets-%d", name, i)
		}
		cl.pod.Volumes = append(cl.pod.Volumes, Volume{Name: vname, Secret: byDir[dir]})
		c.VolumeMounts = append(c.VolumeMounts, VolumeMount{Name: vname, MountPath: dir, ReadOnly: true})
	}
}

func (cl *composeLoad) secretValue(name string, decl types.SecretConfig) {
	switch {
	case bool(decl.External):
		return // given at bundle time
	case decl.Environment != "":
		if v, ok := cl.project.Environment[decl.Environment]; ok {
			cl.secrets[name] = []byte(v)
			return
		}
		cl.warn(0, "secrets."+name, "variable %s is not set", decl.Environment, hint("give the value with --secret "+name+"=FILE"))
	case decl.File != "":
		b, err := readSmall(decl.File, maxFileSecret)
		if err != nil {
			cl.warn(0, "secrets."+name, "%v", err, hint("give the value with --secret "+name+"=FILE"))
			return
		}
		cl.secrets[name] = b
	case decl.Content != "":
		cl.secrets[name] = []byte(decl.Content)
	}
}

const maxFileSecret = 1 << 20

func readSmall(p string, limit int64) ([]byte, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(p), errors.Unwrap(err))
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", filepath.Base(p), limit)
	}
	return os.ReadFile(p)
}

// serviceConfigs carries each config's content in the manifest, mounted
// read-only at its target (default /<name>).
func (cl *composeLoad) serviceConfigs(sp, name string, s types.ServiceConfig, c *Container) {
	for i, ref := range s.Configs {
		rp := fmt.Sprintf("%s.configs[%d]", sp, i)
		decl, ok := cl.project.Configs[ref.Source]
		if !ok {
			cl.bad(0, rp, "config %q is not declared under the top-level configs", ref.Source)
			continue
		}
		var data []byte
		switch {
		case decl.Content != "":
			data = []byte(decl.Content)
		case decl.Environment != "":
			data = []byte(cl.project.Environment[decl.Environment])
		case decl.File != "":
			b, err := readSmall(decl.File, MaxConfigBytes)
			if err != nil {
				cl.bad(0, "configs."+ref.Source, "%v", err)
				continue
			}
			data = b
		default:
			cl.bad(0, "configs."+ref.Source, "external configs are not supported", hint("give its content with file: or content:"))
			continue
		}
		target := ref.Target
		if target == "" {
			target = "/" + ref.Source
		}
		target = path.Clean(target)
		vname := fmt.Sprintf("%s-config-%d", name, i)
		file := path.Base(target)
		cl.pod.Volumes = append(cl.pod.Volumes, Volume{Name: vname, Config: &ConfigVolume{Files: []ConfigFile{{Path: file, Data: string(data)}}}})
		c.VolumeMounts = append(c.VolumeMounts, VolumeMount{Name: vname, MountPath: target, SubPath: file, ReadOnly: true})
	}
}

// security maps shm_size, read_only, cap_drop and refuses what would grant
// the container more than the default sandbox.
func (cl *composeLoad) security(sp string, s types.ServiceConfig, c *Container) {
	if s.ShmSize > 0 {
		c.ShmSizeMiB = mib(int64(s.ShmSize))
	}
	c.ReadOnlyRootFS = s.ReadOnly
	for _, cp := range s.CapDrop {
		c.CapDrop = append(c.CapDrop, strings.TrimPrefix(strings.ToUpper(cp), "CAP_"))
	}
	for i, cp := range s.CapAdd {
		name := strings.TrimPrefix(strings.ToUpper(cp), "CAP_")
		if !slices.Contains(defaultCaps, name) {
			cl.bad(0, fmt.Sprintf("%s.cap_add[%d]", sp, i), "refused: %s would give the container more than the default capabilities", name,
				hint("allowed (they are in the default set anyway): "+strings.Join(defaultCaps, ", ")))
		}
	}
	host := func(key, v string) {
		if v == "host" {
			cl.bad(0, sp+"."+key, "refused: %s: host shares the provider's namespace", key)
		} else if v != "" {
			cl.warn(0, sp+"."+key, "%s: %s is ignored: containers of a pod share their network and are isolated otherwise", key, v)
		}
	}
	switch nm := s.NetworkMode; {
	case nm == "host" || nm == "none" || strings.HasPrefix(nm, "container:"):
		cl.bad(0, sp+".network_mode", "refused: network_mode %s", nm, hint("remove it: all services of a pod share one network"))
	case nm != "":
		cl.warn(0, sp+".network_mode", "%s: all services of a pod share one network anyway", nm)
	}
	host("pid", s.Pid)
	host("ipc", s.Ipc)
	host("uts", s.Uts)
	host("userns_mode", s.UserNSMode)
	host("cgroup", s.Cgroup)
	for i, o := range s.SecurityOpt {
		lo := strings.ToLower(strings.ReplaceAll(o, "=", ":"))
		switch {
		case strings.HasPrefix(lo, "no-new-privileges"):
		case strings.Contains(lo, "unconfined") || strings.HasPrefix(lo, "label:disable") || strings.HasPrefix(lo, "label:type"):
			cl.bad(0, fmt.Sprintf("%s.security_opt[%d]", sp, i), "refused: %s weakens the sandbox", o)
		default:
			cl.warn(0, fmt.Sprintf("%s.security_opt[%d]", sp, i), "%s is ignored: the provider's sandbox applies", o)
		}
	}
}

// restart maps restart (and deploy.restart_policy) to a restart policy.
func (cl *composeLoad) restart(sp string, s types.ServiceConfig, c *Container) {
	policy := s.Restart
	if d := s.Deploy; d != nil && d.RestartPolicy != nil && policy == "" {
		switch d.RestartPolicy.Condition {
		case "any", "":
			policy = "always"
		case "on-failure":
			policy = "on-failure"
		case "none":
			policy = "no"
		}
	}
	switch {
	case policy == "" || policy == "no":
	case policy == "always" || policy == "unless-stopped":
		c.Restart = RestartAlways
	case strings.HasPrefix(policy, "on-failure"):
		c.Restart = RestartOnFailure
	default:
		cl.bad(0, sp+".restart", "%q is not no, always, on-failure or unless-stopped", policy)
	}
}

// healthcheck becomes a readiness probe (an exec probe; CMD-SHELL runs
// through /bin/sh -c as Docker does).
func (cl *composeLoad) healthcheck(sp, name string, s types.ServiceConfig, c *Container) {
	h := s.HealthCheck
	if h == nil || h.Disable || len(h.Test) == 0 || h.Test[0] == "NONE" {
		return
	}
	p := &Probe{}
	switch h.Test[0] {
	case "CMD":
		p.Exec = append([]string{}, h.Test[1:]...)
	case "CMD-SHELL":
		p.Exec = []string{"/bin/sh", "-c", strings.Join(h.Test[1:], " ")}
	default:
		p.Exec = []string{"/bin/sh", "-c", strings.Join(h.Test, " ")}
	}
	if len(p.Exec) == 0 {
		cl.bad(0, sp+".healthcheck.test", "is empty")
		return
	}
	if h.Interval != nil {
		p.Period = Duration(*h.Interval)
	} else {
		p.Period = Duration(30 * time.Second) // Compose's default
	}
	if h.Timeout != nil {
		p.Timeout = Duration(*h.Timeout)
	} else {
		p.Timeout = Duration(30 * time.Second)
	}
	if h.Retries != nil {
		p.FailureThreshold = int(min(*h.Retries, 1000))
	} else {
		p.FailureThreshold = 3
	}
	if h.StartPeriod != nil {
		p.InitialDelay = Duration(*h.StartPeriod)
	}
	c.Readiness = p
}

// names: the service name, container_name, hostname, network aliases and
// link aliases resolve to the pod inside it.
func (cl *composeLoad) names(name string, s types.ServiceConfig) {
	add := func(n string) {
		if n != "" && !slices.Contains(cl.pod.Hostnames, n) {
			cl.pod.Hostnames = append(cl.pod.Hostnames, n)
		}
	}
	add(name)
	add(s.ContainerName)
	add(s.Hostname)
	for _, net := range slices.Sorted(mapKeys(s.Networks)) {
		if cfg := s.Networks[net]; cfg != nil {
			for _, a := range cfg.Aliases {
				add(a)
			}
		}
	}
	for _, l := range s.Links {
		if _, alias, ok := strings.Cut(l, ":"); ok {
			add(alias)
		}
	}
}

// scale: deploy.replicas or scale set the pod's maximum; x-tpod.scale wins.
func (cl *composeLoad) scale() {
	p := cl.pod
	p.Scale.Min, p.Scale.Max = 1, 1
	for _, name := range slices.Sorted(mapKeys(cl.project.Services)) {
		s := cl.project.Services[name]
		p.Scale.Max = max(p.Scale.Max, s.GetScale())
	}
	v, ok := cl.project.Extensions["x-tpod"]
	if !ok {
		return
	}
	var x struct {
		Scale struct {
			Min         *int   `json:"min"`
			Max         int    `json:"max"`
			IdleTimeout string `json:"idleTimeout"`
			Idle        string `json:"idle"`
		} `json:"scale"`
	}
	if err := decodeExt(v, &x); err != nil {
		cl.bad(0, "x-tpod", "%v", err)
		return
	}
	if x.Scale.Min != nil {
		p.Scale.Min = *x.Scale.Min
	}
	if x.Scale.Max != 0 {
		p.Scale.Max = x.Scale.Max
	}
	if x.Scale.IdleTimeout != "" {
		d, err := parseDuration(x.Scale.IdleTimeout)
		if err != nil {
			cl.bad(0, "x-tpod.scale.idleTimeout", "%v", err)
		}
		p.Scale.IdleTimeout = Duration(d)
	}
	p.Scale.Idle = x.Scale.Idle
}

// decodeExt decodes an x- extension's value (plain YAML data) into out,
// refusing unknown keys.
func decodeExt(v, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return yamlError(err)
	}
	return nil
}
