package camera

import (
	"context"
	"time"
)

// pacer spaces frames 1/fps apart; fps <= 0 means no waiting. If the caller
// falls behind, the schedule restarts from now rather than bursting.
type pacer struct {
	period time.Duration
	next   time.Time
	timer  *time.Timer
}

func newPacer(fps float64) *pacer {
	p := &pacer{}
	if fps > 0 {
		p.period = time.Duration(float64(time.Second) / fps)
	}
	return p
}

// wait blocks until the next frame is due and returns the capture time.
func (p *pacer) wait(ctx context.Context) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	now := time.Now()
	if p.period == 0 {
		return now, nil
	}
	if p.next.IsZero() || now.Sub(p.next) > p.period {
		p.next = now
	}
	if d := p.next.Sub(now); d > 0 {
		if p.timer == nil {
			p.timer = time.NewTimer(d)
		} else {
			p.timer.Reset(d)
		}
		select {
		case <-ctx.Done():
			p.timer.Stop()
			return time.Time{}, ctx.Err()
		case <-p.timer.C:
		}
	}
	t := p.next
	p.next = p.next.Add(p.period)
	return t, nil
}
