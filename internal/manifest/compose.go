package manifest

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// composeFile is the subset of the Compose specification Trusted Pods reads.
// Unknown service keys are refused so nothing is silently dropped; x-*
// extensions are allowed. Variable interpolation is not performed.
type composeFile struct {
	Name     string                        `json:"name"`
	Version  string                        `json:"version"` // obsolete, ignored
	Services map[string]composeService     `json:"services"`
	Volumes  map[string]*composeVolume     `json:"volumes"`
	Secrets  map[string]*composeSecretDecl `json:"secrets"`
	XTpod    *composeXTpod                 `json:"x-tpod"`
}

type composeXTpod struct {
	Scale struct {
		Min         *int   `json:"min"`
		Max         int    `json:"max"`
		IdleTimeout string `json:"idleTimeout"`
	} `json:"scale"`
}

type composeService struct {
	Image         string             `json:"image"`
	Command       stringOrList       `json:"command"`
	Entrypoint    stringOrList       `json:"entrypoint"`
	Environment   json.RawMessage    `json:"environment"`
	Ports         []composePort      `json:"ports"`
	Expose        []json.RawMessage  `json:"expose"`
	WorkingDir    string             `json:"working_dir"`
	Volumes       []composeMount     `json:"volumes"`
	Secrets       []composeSvcSecret `json:"secrets"`
	Deploy        *composeDeploy     `json:"deploy"`
	Restart       string             `json:"restart"`
	ContainerName string             `json:"container_name"`
	DependsOn     json.RawMessage    `json:"depends_on"`
	Healthcheck   json.RawMessage    `json:"healthcheck"`
	Labels        json.RawMessage    `json:"labels"`
	XTpod         *struct {
		Expose    string   `json:"expose"`
		Hostnames []string `json:"hostnames"`
		Storage   string   `json:"storage"`
	} `json:"x-tpod"`
}

// composeDeploy reads deploy leniently: placement, restart_policy and the
// other orchestration keys have no meaning for one pod and are ignored.
type composeDeploy struct {
	Replicas  *int `json:"replicas"`
	Resources struct {
		Limits       composeRes `json:"limits"`
		Reservations composeRes `json:"reservations"`
	} `json:"resources"`
}

func (d *composeDeploy) UnmarshalJSON(b []byte) error {
	type plain composeDeploy
	return json.Unmarshal(b, (*plain)(d))
}

type composeRes struct {
	Cpus    json.Number `json:"cpus"`
	Memory  string      `json:"memory"`
	Devices []struct {
		Capabilities []string        `json:"capabilities"`
		Count        json.RawMessage `json:"count"`
		DeviceIDs    []string        `json:"device_ids"`
		Driver       string          `json:"driver"`
	} `json:"devices"`
}

// composeVolume and composeSecretDecl are read leniently (driver, labels,
// name and the like are ignored).
type composeVolume struct {
	XTpodSize string `json:"x-tpod-size"`
}

func (v *composeVolume) UnmarshalJSON(b []byte) error {
	type plain composeVolume
	return json.Unmarshal(b, (*plain)(v))
}

type composeSecretDecl struct {
	File string `json:"file"`
}

func (v *composeSecretDecl) UnmarshalJSON(b []byte) error {
	type plain composeSecretDecl
	return json.Unmarshal(b, (*plain)(v))
}

// stringOrList is a Compose command: a list, or a string split like a shell
// would for simple words (quotes are honoured, no expansion).
type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*s = list
		return nil
	}
	var str string
	if err := json.Unmarshal(b, &str); err != nil {
		return fmt.Errorf("must be a string or a list of strings")
	}
	words, err := splitWords(str)
	if err != nil {
		return err
	}
	*s = words
	return nil
}

// splitWords splits a command line on blanks, honouring single and double quotes.
func splitWords(s string) ([]string, error) {
	var (
		words []string
		cur   strings.Builder
		quote rune
		in    bool
	)
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in %q", s)
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}

// composePort is the short ("8080:80/tcp") or long ({target, published}) syntax.
type composePort struct {
	Target    int
	Published string
	Protocol  string
}

var shortPort = regexp.MustCompile(`^(?:(?:[0-9]+\.[0-9.]+|\[[0-9a-fA-F:]+\]):)?(?:([0-9]+(?:-[0-9]+)?):)?([0-9]+)(?:/(tcp|udp))?$`)

func (p *composePort) UnmarshalJSON(b []byte) error {
	var long struct {
		Target    int             `json:"target"`
		Published json.RawMessage `json:"published"`
		Protocol  string          `json:"protocol"`
	}
	if err := json.Unmarshal(b, &long); err == nil && long.Target != 0 {
		p.Target, p.Protocol = long.Target, long.Protocol
		p.Published = strings.Trim(string(long.Published), `"`)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("port must be a string, a number or {target: ...}")
		}
		s = strconv.Itoa(n)
	}
	m := shortPort.FindStringSubmatch(s)
	if m == nil {
		return fmt.Errorf("%q is not a port (HOST:CONTAINER[/PROTO])", s)
	}
	n, err := strconv.Atoi(m[2])
	if err != nil {
		return fmt.Errorf("%q: bad container port", s)
	}
	p.Target, p.Published, p.Protocol = n, m[1], m[3]
	return nil
}

// composeMount is "source:target[:ro]" or {type, source, target, read_only}.
type composeMount struct {
	Type     string `json:"type"`
	Source   string `json:"source"`
	Target   string `json:"target"`
	ReadOnly bool   `json:"read_only"`
}

func (m *composeMount) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		type plain composeMount
		var long plain
		if err := json.Unmarshal(b, &long); err != nil {
			return fmt.Errorf("volume must be a string or {type, source, target}")
		}
		*m = composeMount(long)
		return nil
	}
	parts := strings.Split(s, ":")
	switch len(parts) {
	case 1:
		m.Type, m.Target = "volume", parts[0]
	case 2, 3:
		m.Type, m.Source, m.Target = "volume", parts[0], parts[1]
		if len(parts) == 3 {
			for _, o := range strings.Split(parts[2], ",") {
				if o == "ro" {
					m.ReadOnly = true
				}
			}
		}
	default:
		return fmt.Errorf("%q is not SOURCE:TARGET[:ro]", s)
	}
	if strings.HasPrefix(m.Source, ".") || strings.HasPrefix(m.Source, "/") || strings.HasPrefix(m.Source, "~") {
		m.Type = "bind"
	}
	return nil
}

// composeSvcSecret is "name" or {source, target}.
type composeSvcSecret struct {
	Source string `json:"source"`
	Target string `json:"target"`
}

func (s *composeSvcSecret) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &s.Source); err == nil {
		return nil
	}
	type plain composeSvcSecret
	var long plain
	if err := json.Unmarshal(b, &long); err != nil {
		return fmt.Errorf("secret must be a name or {source, target}")
	}
	*s = composeSvcSecret(long)
	return nil
}

// composeBytes parses Compose byte values ("512m", "1g", "1gb", "300k", "1024b"),
// 1024-based as Docker does, into MiB rounded up.
func composeBytes(p, s string) (uint64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return 0, nil
	}
	i := len(s)
	for i > 0 && (s[i-1] < '0' || s[i-1] > '9') {
		i--
	}
	num, unit := s[:i], strings.TrimSuffix(s[i:], "b")
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n < 0 || n > 1<<50 {
		return 0, fieldErr(p, "%q is not a size like 512m or 1g", s)
	}
	mult := map[string]float64{"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}[unit]
	if mult == 0 {
		if q, err := parseQuantity(s); err == nil { // also accept Kubernetes spelling "1Gi"
			return (uint64(q.Value()) + 1<<20 - 1) >> 20, nil
		}
		return 0, fieldErr(p, "%q has an unknown unit", s)
	}
	b := uint64(n * mult)
	return (b + 1<<20 - 1) >> 20, nil
}

func loadCompose(data []byte, filename string) (*Pod, error) {
	var f composeFile
	if err := yamlStrictExt(data, &f); err != nil {
		return nil, err
	}
	if len(f.Services) == 0 {
		return nil, fieldErr("services", "at least one service is required")
	}
	p := &Pod{Name: f.Name}
	if p.Name == "" {
		// Compose names a project after its directory; we name the pod after the file.
		base := path.Base(strings.ReplaceAll(filename, "\\", "/"))
		base = strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml")
		base = strings.TrimSuffix(strings.TrimPrefix(base, "docker-"), "compose")
		p.Name = strings.Trim(strings.ToLower(base), "-._")
		if p.Name == "" {
			p.Name = "compose"
		}
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range f.Services {
			if !yield(k) {
				return
			}
		}
	})
	volumes := map[string]bool{}
	maxReplicas := 1
	for _, name := range names {
		s := f.Services[name]
		sp := "services." + name
		c := Container{Name: name, Image: s.Image, WorkingDir: s.WorkingDir}
		// Compose's entrypoint replaces the image ENTRYPOINT (Kubernetes command),
		// its command the image CMD (Kubernetes args).
		c.Command, c.Args = s.Entrypoint, s.Command
		env, err := composeEnv(sp+".environment", s.Environment)
		if err != nil {
			return nil, err
		}
		c.Env = env
		expose, hostnames := ExposeTCP, []string(nil)
		if s.XTpod != nil {
			if s.XTpod.Expose != "" {
				expose = s.XTpod.Expose
			}
			hostnames = s.XTpod.Hostnames
			if c.Resources.StorageMiB, err = composeBytes(sp+".x-tpod.storage", s.XTpod.Storage); err != nil {
				return nil, err
			}
		}
		for i, pt := range s.Ports {
			if pt.Target < 1 || pt.Target > 65535 {
				return nil, fieldErr(fmt.Sprintf("%s.ports[%d]", sp, i), "container port must be 1..65535")
			}
			port := Port{ContainerPort: uint16(pt.Target), Protocol: pt.Protocol}
			if pt.Published != "" { // published ports are reachable from outside
				port.Expose = expose
				if expose == ExposeHTTP {
					port.Hostnames = hostnames
				}
			}
			c.Ports = append(c.Ports, port)
		}
		for i, raw := range s.Expose {
			var e composePort
			if err := json.Unmarshal(raw, &e); err != nil {
				return nil, fieldErr(fmt.Sprintf("%s.expose[%d]", sp, i), "%v", err)
			}
			if !slices.ContainsFunc(c.Ports, func(q Port) bool { return int(q.ContainerPort) == e.Target }) {
				c.Ports = append(c.Ports, Port{ContainerPort: uint16(e.Target), Protocol: e.Protocol})
			}
		}
		if d := s.Deploy; d != nil {
			if d.Replicas != nil {
				maxReplicas = max(maxReplicas, *d.Replicas)
			}
			for _, r := range []struct {
				path string
				res  composeRes
			}{{sp + ".deploy.resources.reservations", d.Resources.Reservations}, {sp + ".deploy.resources.limits", d.Resources.Limits}} {
				// Limits win over reservations: they are what the provider enforces.
				if r.res.Cpus != "" {
					v, err := strconv.ParseFloat(string(r.res.Cpus), 64)
					if err != nil || v < 0 || v > 1e6 {
						return nil, fieldErr(r.path+".cpus", "%q is not a number of CPUs", r.res.Cpus)
					}
					c.Resources.CPUMilli = uint64(v*1000 + 0.5)
				}
				if r.res.Memory != "" {
					if c.Resources.MemoryMiB, err = composeBytes(r.path+".memory", r.res.Memory); err != nil {
						return nil, err
					}
				}
				for j, dev := range r.res.Devices {
					if !slices.Contains(dev.Capabilities, "gpu") {
						return nil, fieldErr(fmt.Sprintf("%s.devices[%d]", r.path, j), "only gpu devices are supported")
					}
					n := len(dev.DeviceIDs)
					if len(dev.Count) > 0 {
						var cnt int
						if err := json.Unmarshal(dev.Count, &cnt); err != nil || cnt < 0 {
							return nil, fieldErr(fmt.Sprintf("%s.devices[%d].count", r.path, j), "must be a number (\"all\" is not supported)")
						}
						n = cnt
					}
					c.Resources.GPUMilli = uint64(n) * 1000
				}
			}
		}
		for i, m := range s.Volumes {
			mp := fmt.Sprintf("%s.volumes[%d]", sp, i)
			switch m.Type {
			case "volume", "":
			case "tmpfs":
			default:
				return nil, fieldErr(mp, "%s mounts are not supported (no host paths on a provider)", m.Type)
			}
			vol := Volume{}
			if m.Source == "" { // anonymous volume or tmpfs: scratch space
				vol.Name = fmt.Sprintf("%s-scratch-%d", name, i)
				vol.EmptyDir = &EmptyDirVolume{}
			} else {
				decl, ok := f.Volumes[m.Source]
				if !ok {
					return nil, fieldErr(mp, "volume %q is not declared under the top-level volumes", m.Source)
				}
				vol.Name = m.Source
				size := uint64(1024)
				if decl != nil && decl.XTpodSize != "" {
					if size, err = composeBytes("volumes."+m.Source+".x-tpod-size", decl.XTpodSize); err != nil {
						return nil, err
					}
				}
				vol.Persistent = &PersistentVolume{SizeMiB: size}
			}
			if !volumes[vol.Name] {
				volumes[vol.Name] = true
				p.Volumes = append(p.Volumes, vol)
			}
			c.VolumeMounts = append(c.VolumeMounts, VolumeMount{Name: vol.Name, MountPath: path.Clean(m.Target), ReadOnly: m.ReadOnly})
		}
		if len(s.Secrets) > 0 {
			// Compose mounts each secret as /run/secrets/<name>: one secret volume
			// per service holding all of them gives the same files.
			vol := Volume{Name: name + "-secrets", Secret: &SecretVolume{}}
			for i, sec := range s.Secrets {
				if _, ok := f.Secrets[sec.Source]; !ok {
					return nil, fieldErr(fmt.Sprintf("%s.secrets[%d]", sp, i), "secret %q is not declared under the top-level secrets", sec.Source)
				}
				if sec.Target != "" && sec.Target != sec.Source {
					return nil, fieldErr(fmt.Sprintf("%s.secrets[%d].target", sp, i), "must equal the secret's name")
				}
				vol.Secret.Secrets = append(vol.Secret.Secrets, sec.Source)
			}
			p.Volumes = append(p.Volumes, vol)
			c.VolumeMounts = append(c.VolumeMounts, VolumeMount{Name: vol.Name, MountPath: "/run/secrets", ReadOnly: true})
		}
		p.Containers = append(p.Containers, c)
	}
	p.Scale.Min, p.Scale.Max = 1, maxReplicas
	if x := f.XTpod; x != nil {
		if x.Scale.Min != nil {
			p.Scale.Min = *x.Scale.Min
		}
		if x.Scale.Max != 0 {
			p.Scale.Max = x.Scale.Max
		}
		if x.Scale.IdleTimeout != "" {
			d, err := parseDuration(x.Scale.IdleTimeout)
			if err != nil {
				return nil, fieldErr("x-tpod.scale.idleTimeout", "%v", err)
			}
			p.Scale.IdleTimeout = Duration(d)
		}
	}
	return p, nil
}

// composeEnv reads environment as a map or a list of NAME=VALUE, in a stable
// order (maps sorted by name).
func composeEnv(p string, raw json.RawMessage) ([]EnvVar, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil {
		var out []EnvVar
		for i, item := range list {
			k, v, ok := strings.Cut(item, "=")
			if !ok {
				return nil, fieldErr(fmt.Sprintf("%s[%d]", p, i), "must be NAME=VALUE (values from the host are not supported)")
			}
			out = append(out, EnvVar{Name: k, Value: v})
		}
		return out, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fieldErr(p, "must be a map or a list of NAME=VALUE")
	}
	var out []EnvVar
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}) {
		var v string
		switch x := m[k].(type) {
		case string:
			v = x
		case float64:
			v = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			v = strconv.FormatBool(x)
		case nil:
			return nil, fieldErr(p+"."+k, "has no value (values from the host are not supported)")
		default:
			return nil, fieldErr(p+"."+k, "must be a string, number or boolean")
		}
		out = append(out, EnvVar{Name: k, Value: v})
	}
	return out, nil
}

// yamlStrictExt decodes strictly but drops x-* extension keys of services
// (other than x-tpod), which Compose allows anywhere.
func yamlStrictExt(data []byte, v any) error {
	var generic map[string]any
	if err := yamlUnmarshal(data, &generic); err != nil {
		return err
	}
	strip := func(m map[string]any) {
		for k := range m {
			if strings.HasPrefix(k, "x-") && k != "x-tpod" && k != "x-tpod-size" {
				delete(m, k)
			}
		}
	}
	strip(generic)
	for _, key := range []string{"services", "volumes", "secrets", "networks"} {
		if m, ok := generic[key].(map[string]any); ok {
			for _, s := range m {
				if sm, ok := s.(map[string]any); ok {
					strip(sm)
				}
			}
		}
	}
	if _, ok := generic["networks"]; ok {
		return fieldErr("networks", "not supported: all services of a pod share one network namespace")
	}
	j, err := json.Marshal(generic)
	if err != nil {
		return err
	}
	return yamlStrict(j, v)
}
