package server

import (
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// refusalLimit limits, per IP address, the requests that are refused
// (answered 400 or above), counting each after it is answered, so requests
// that succeed never count and are never limited while the address is
// under the limit. Fiber's limiter cannot do this: it counts each request
// when it arrives and takes successful ones off only after, so a burst of
// good requests in flight would lock an address out. For Twilio's
// webhooks, where a 429 loses a resident's message for good.
type refusalLimit struct {
	max     int
	window  time.Duration
	refused func(c *fiber.Ctx) error // answers when over the limit
	now     func() time.Time

	mu     sync.Mutex
	counts map[string]*refusals
}

type refusals struct {
	n     int
	since time.Time
}

func newRefusalLimit(max int, window time.Duration, refused func(*fiber.Ctx) error) *refusalLimit {
	return &refusalLimit{max: max, window: window, refused: refused, now: time.Now, counts: map[string]*refusals{}}
}

// handler is the middleware. The handlers after it must answer errors
// themselves (answerErrorsHere), so their status is known here.
func (l *refusalLimit) handler(c *fiber.Ctx) error {
	ip := c.IP()
	now := l.now()
	l.mu.Lock()
	r := l.counts[ip]
	if r != nil && now.Sub(r.since) >= l.window {
		delete(l.counts, ip)
		r = nil
	}
	over := l.max >= 0 && r != nil && r.n >= l.max
	l.mu.Unlock()
	if over {
		return l.refused(c)
	}
	err := c.Next()
	if status := c.Response().StatusCode(); err == nil && status >= 400 {
		l.mu.Lock()
		if l.counts[ip] == nil {
			if len(l.counts) > 100000 {
				l.counts = map[string]*refusals{} // never grow without bound
			}
			l.counts[ip] = &refusals{since: now}
		}
		l.counts[ip].n++
		l.mu.Unlock()
	}
	return err
}
