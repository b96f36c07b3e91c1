package provider

import (
	"encoding/hex"

	"strconv"

	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/runtime"
)

// runtimeID is the runtime's name for the pod of a channel: channel IDs are
// unique per provider (podIds are only unique per publisher), and 16 bytes of
// one keep the name within the runtime's 48 characters.
func runtimeID(channelID [32]byte) string {
	return "tp-" + hex.EncodeToString(channelID[:16])
}

// labelBundle names, in a runtime pod's labels, the bundle it was deployed
// from: a restore tells from it whether an update the restart interrupted
// reached the runtime.
const labelBundle = "tpod.io/bundle"

// podSpec translates a decrypted bundle into the runtime's pod spec.
func podSpec(channelID, podID [32]byte, bundleCID string, c *bundle.Contents) (runtime.PodSpec, error) {
	m := c.Pod
	images := map[string]bundle.ExtractedImage{}
	for _, im := range c.Images {
		images[im.Ref] = im
	}
	spec := runtime.PodSpec{
		ID: runtimeID(channelID),
		// A restarted provider knows from these which channel a pod it finds
		// belongs to; the Kubernetes backend scales by them.
		Labels: map[string]string{
			runtime.LabelChannel:  hex.EncodeToString(channelID[:]),
			runtime.LabelPodID:    hex.EncodeToString(podID[:]),
			runtime.LabelScaleMin: strconv.Itoa(m.Scale.Min),
			runtime.LabelScaleMax: strconv.Itoa(max(m.Scale.Max, 1)),
			labelBundle:           bundleCID,
		},
	}
	imgs := map[string]runtime.Image{}
	for ref, im := range images {
		imgs[ref] = runtime.Image{Archive: im.Path, Digest: im.Digest}
	}
	rs, err := m.RuntimeSpec(spec.ID, imgs, c.Secrets)
	if err != nil {
		return runtime.PodSpec{}, err
	}
	rs.Labels = spec.Labels
	return rs, nil
}

// exposure is how the gateway reaches a pod's exposed ports.
type exposure struct {
	HTTPPort  int
	Hostnames []string
	TCP       []int
}

func exposed(m *manifest.Pod) exposure {
	var e exposure
	for _, ct := range m.AllContainers() {
		for _, p := range ct.Ports {
			switch p.Expose {
			case manifest.ExposeHTTP:
				if e.HTTPPort == 0 {
					e.HTTPPort = int(p.ContainerPort)
				}
				e.Hostnames = append(e.Hostnames, p.Hostnames...)
			case manifest.ExposeTCP:
				e.TCP = append(e.TCP, int(p.ContainerPort))
			}
		}
	}
	return e
}

// reservation is what a manifest reserves per running replica.
func reservation(t manifest.Totals) Reservation {
	return t.Reserved()
}
