package usage

import (
	"fmt"
	"strings"
)

// Labels are the counters' names for people, in order.
var Labels = [Len]string{"CPU reserved", "memory reserved", "storage reserved", "GPU reserved", "CPU used", "memory used", "egress"}

// Describe prints the vector with each counter's name and unit, skipping
// zero counters of resources nothing reserved: "CPU reserved 389
// millicore·s, memory reserved 124 MiB·s, ..., egress 1 KiB".
func (v Vector) Describe() string {
	var parts []string
	for i, x := range v {
		if x == 0 && (i == StorageReserved || i == GPUReserved) {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %d %s", Labels[i], x, Units[i]))
	}
	return strings.Join(parts, ", ")
}
