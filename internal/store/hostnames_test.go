package store

import (
	"context"
	"errors"
	"testing"
)

func TestHostnameReservations(t *testing.T) {
	ctx := context.Background()
	s, path := open(t)
	a, b := [32]byte{0xa}, [32]byte{0xb}
	if err := s.SetHostnames(ctx, a, "0xaaa", []string{"shop.example.com", "api.example.com"}, nil); err != nil {
		t.Fatal(err)
	}
	// Another channel's claim is refused and changes nothing.
	err := s.SetHostnames(ctx, b, "0xbbb", []string{"new.example.com", "shop.example.com"}, func(Hostname) bool { return false })
	if !errors.Is(err, ErrConflict) || err.Error() == "" {
		t.Fatalf("claim of a reserved name: %v", err)
	}
	all, _ := s.Hostnames(ctx)
	if len(all) != 2 {
		t.Fatalf("reservations after a refused claim: %+v", all)
	}
	// The holder keeps what it names again and drops the rest.
	if err := s.SetHostnames(ctx, a, "0xaaa", []string{"shop.example.com"}, nil); err != nil {
		t.Fatal(err)
	}
	// Reservations survive a reopen.
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, _ = s.Hostnames(ctx)
	if len(all) != 1 || all[0].Name != "shop.example.com" || all[0].ChannelID != a || all[0].Publisher != "0xaaa" {
		t.Fatalf("after reopen: %+v", all)
	}
	// A take-over the caller allows moves the name.
	var asked Hostname
	if err := s.SetHostnames(ctx, b, "0xaaa", []string{"shop.example.com"}, func(h Hostname) bool { asked = h; return true }); err != nil {
		t.Fatal(err)
	}
	if asked.ChannelID != a {
		t.Fatalf("mayTake saw %+v", asked)
	}
	if all, _ = s.Hostnames(ctx); len(all) != 1 || all[0].ChannelID != b {
		t.Fatalf("after a take-over: %+v", all)
	}
	// Release frees them.
	if err := s.ReleaseHostnames(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := s.SetHostnames(ctx, a, "0xaaa", []string{"shop.example.com"}, nil); err != nil {
		t.Fatalf("claim after release: %v", err)
	}
}
