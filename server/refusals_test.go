package server

import (
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Many good requests at once from one address are never limited; refused
// ones are, once there have been max of them, until the window passes.
func TestRefusalLimit(t *testing.T) {
	now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	l := newRefusalLimit(3, time.Minute, func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusTooManyRequests) })
	l.now = func() time.Time { return now }
	app := fiber.New()
	app.Post("/hook", l.handler, func(c *fiber.Ctx) error {
		if c.Query("bad") != "" {
			return c.SendStatus(fiber.StatusForbidden)
		}
		time.Sleep(20 * time.Millisecond) // in flight together
		return c.SendStatus(fiber.StatusOK)
	})
	status := func(path string) int {
		resp, err := app.Test(httptest.NewRequest("POST", path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	var wg sync.WaitGroup
	got := make([]int, 60)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = status("/hook") }()
	}
	wg.Wait()
	for i, s := range got {
		if s != fiber.StatusOK {
			t.Fatalf("good request %d of 60 at once: got %d, want 200", i, s)
		}
	}
	for i, want := range []int{403, 403, 403, 429} {
		if s := status("/hook?bad=1"); s != want {
			t.Errorf("refused request %d: got %d, want %d", i+1, s, want)
		}
	}
	if s := status("/hook"); s != fiber.StatusTooManyRequests {
		t.Errorf("a good request from an address over the limit: got %d, want 429", s)
	}
	now = now.Add(time.Minute)
	if s := status("/hook"); s != fiber.StatusOK {
		t.Errorf("after the window: got %d, want 200", s)
	}
}
