package cli

import (
	"path/filepath"
	"testing"
)

// TestMeasureScripts runs the measure command group's scripts on the measure
// and attest packages' test data ($MEASURE, $ATTEST).
func TestMeasureScripts(t *testing.T) {
	measureData, _ := filepath.Abs(filepath.Join("..", "measure", "testdata"))
	attestData, _ := filepath.Abs(filepath.Join("..", "attest", "testdata"))
	runInProcessScripts(t, "measure_*.txtar", map[string]string{"MEASURE": measureData, "ATTEST": attestData})
}
