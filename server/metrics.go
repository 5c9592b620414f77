package server

import (
	"context"
	"crypto/subtle"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/voices-uk/voices/surveys"
)

// Metrics for Prometheus at /metrics: requests and their latency by route
// (the route's pattern, never the path, which can hold a reference or a
// token), responses stored by channel, and the SMS outbox's depth. No
// personal data is in any label.

type metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	submissions *prometheus.CounterVec
}

func newMetrics(store surveys.Store) *metrics {
	m := &metrics{registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "voices_http_requests_total",
			Help: "HTTP requests by route pattern, method and status."}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "voices_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern.",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}}, []string{"route"}),
		submissions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "voices_responses_stored_total",
			Help: "Responses stored since start, by channel (web, api, sms, assisted, import)."}, []string{"channel"}),
	}
	outbox := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "voices_sms_outbox_depth",
		Help: "Text messages waiting in the outbox to be sent (queued or being sent)."}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		counts, err := store.OutboxCounts(ctx)
		if err != nil {
			return -1
		}
		return float64(counts[surveys.OutboxQueued] + counts[surveys.OutboxSending])
	})
	m.registry.MustRegister(m.requests, m.latency, m.submissions, outbox,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, ch := range surveys.Channels {
		m.submissions.WithLabelValues(string(ch)) // every channel listed from the start, at 0
	}
	return m
}

// observe records one answered request. The labels are copied: Fiber's
// strings point into buffers it reuses for the next request.
func (m *metrics) observe(route, method string, status int, took time.Duration) {
	route, method = strings.Clone(route), strings.Clone(method)
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(took.Seconds())
}

// stored counts responses stored (surveys.Service.Stored).
func (m *metrics) stored(channel surveys.Channel, n int) {
	m.submissions.WithLabelValues(string(channel)).Add(float64(n))
}

// metricsHandler serves /metrics: to anyone on this machine (loopback),
// and to others only with the metrics token (Authorization: Bearer), so a
// Prometheus on another host needs it configured.
func (s *Server) metricsHandler() fiber.Handler {
	h := adaptor.HTTPHandler(promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}))
	return func(c *fiber.Ctx) error {
		// Through a reverse proxy on this machine every request comes from
		// loopback: one that was forwarded is not local.
		local := c.Context().RemoteIP().IsLoopback() && c.Get(fiber.HeaderXForwardedFor) == ""
		if !local {
			token := []byte("Bearer " + s.metricsToken)
			if s.metricsToken == "" || subtle.ConstantTimeCompare([]byte(c.Get(fiber.HeaderAuthorization)), token) != 1 {
				return surveys.Errorf(surveys.EFORBIDDEN, "Metrics are for this machine, or for a scraper with the metrics token (--metrics-token).")
			}
		}
		return h(c)
	}
}
