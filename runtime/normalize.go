package runtime

import (
	"fmt"
	"math"
	"math/big"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// Input normalization: how a camera byte x of channel c becomes the model's
// input. The rule (README, "Input normalization"):
//
//   - A float input gets (x - mean[c]) / std[c], computed in float32, with
//     mean and std from Plan.SetNormalization (the -mean/-std flags), else
//     from the model's metadata (NormalizationOptions), else MobileNet's
//     127.5 and 127.5.
//   - A quantized input gets the raw byte (uint8) or the byte minus 128
//     (int8), as the TFLite Task Library and Coral feed them: the input's
//     quantization already encodes the normalization (the official uint8
//     files are (x-128)/128, VWW's int8 file, scale 1/255 and zero point
//     -128, is x/255). The metadata's normalization is not applied to it.
//   - Only an explicit normalization (SetNormalization) is applied to a
//     quantized input: q = round((x - mean[c]) / std[c] / scale) + zero
//     point, rounded half away from zero and clamped, computed exactly.

// Normalization maps byte x of channel c to (x - Mean[c]) / Std[c].
type Normalization struct {
	Mean, Std [3]float32
}

// MobileNetNormalization is MobileNet's (x - 127.5) / 127.5, values in
// [-1, 1]: the default for a float input without metadata.
var MobileNetNormalization = UniformNormalization(127.5, 127.5)

// UniformNormalization is the same mean and std on every channel.
func UniformNormalization(mean, std float32) Normalization {
	return Normalization{Mean: [3]float32{mean, mean, mean}, Std: [3]float32{std, std, std}}
}

// Validate reports a mean or std that is not finite, or a zero std.
func (n Normalization) Validate() error {
	for c := range 3 {
		m, s := float64(n.Mean[c]), float64(n.Std[c])
		if math.IsNaN(m) || math.IsInf(m, 0) {
			return fmt.Errorf("normalization: mean[%d] is %v", c, n.Mean[c])
		}
		if math.IsNaN(s) || math.IsInf(s, 0) || s == 0 {
			return fmt.Errorf("normalization: std[%d] is %v (want a finite non-zero value)", c, n.Std[c])
		}
	}
	return nil
}

// Value is the float input value of byte x in channel c: (float32(x) -
// Mean[c]) / Std[c] in float32, exactly what SetInputRGB stores.
func (n Normalization) Value(c int, x byte) float32 {
	return (float32(x) - n.Mean[c]) / n.Std[c]
}

// Range is the smallest and largest input value over every channel and byte.
func (n Normalization) Range() (lo, hi float32) {
	lo, hi = float32(math.Inf(1)), float32(math.Inf(-1))
	for c := range 3 {
		for _, x := range []byte{0, 255} {
			v := n.Value(c, x)
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return lo, hi
}

// Uniform reports whether every channel has the same mean and std.
func (n Normalization) Uniform() bool {
	return n.Mean[0] == n.Mean[1] && n.Mean[1] == n.Mean[2] && n.Std[0] == n.Std[1] && n.Std[1] == n.Std[2]
}

// Metadata is n as TFLite metadata NormalizationOptions: one value when
// every channel shares it, else one per channel.
func (n Normalization) Metadata() tflite.Normalization {
	if n.Uniform() {
		return tflite.Normalization{Mean: []float32{n.Mean[0]}, Std: []float32{n.Std[0]}}
	}
	return tflite.Normalization{Mean: append([]float32(nil), n.Mean[:]...), Std: append([]float32(nil), n.Std[:]...)}
}

// NormalizationFromMetadata converts NormalizationOptions of one or three
// values (the TFLite metadata repeats a single value over the channels).
func NormalizationFromMetadata(tn *tflite.Normalization) (Normalization, error) {
	var n Normalization
	for _, v := range []struct {
		name string
		src  []float32
		dst  *[3]float32
	}{{"mean", tn.Mean, &n.Mean}, {"std", tn.Std, &n.Std}} {
		switch len(v.src) {
		case 1:
			*v.dst = [3]float32{v.src[0], v.src[0], v.src[0]}
		case 3:
			copy(v.dst[:], v.src)
		default:
			return Normalization{}, fmt.Errorf("normalization %s has %d values; an RGB input takes 1 or 3", v.name, len(v.src))
		}
	}
	return n, n.Validate()
}

// ModelNormalization is the normalization a float input of m gets without
// an explicit one: the NormalizationOptions of its first input's metadata
// (fromMetadata true), else MobileNetNormalization.
func ModelNormalization(m *tflite.Model) (n Normalization, fromMetadata bool, err error) {
	tn := m.Metadata.InputNormalization()
	if tn == nil {
		return MobileNetNormalization, false, nil
	}
	if n, err = NormalizationFromMetadata(tn); err != nil {
		return Normalization{}, false, fmt.Errorf("model metadata: %w", err)
	}
	return n, true, nil
}

// SetNormalization sets how SetInputRGB converts bytes (see the rule at the
// top of normalize.go): n applies to float and quantized inputs alike; nil
// restores the model's own rule (metadata or MobileNet's for a float input,
// the raw byte for a quantized one), and reports a metadata normalization
// that cannot feed the float input (wrong length, zero std), which
// SetInputRGB then refuses to use. It computes 768 values once; it must not
// be called during Run.
func (p *Plan) SetNormalization(n *Normalization) error {
	if n != nil {
		if err := n.Validate(); err != nil {
			return fmt.Errorf("runtime: SetNormalization: %w", err)
		}
	}
	if err := p.setInputTables(n); err != nil {
		return fmt.Errorf("runtime: SetNormalization: %w", err)
	}
	return nil
}

// setInputTables fills the per-channel byte → input tables of SetInputRGB.
// When the model's own normalization is unusable it records why in inErr,
// for SetInputRGB, and returns it.
func (p *Plan) setInputTables(n *Normalization) error {
	p.inErr = nil
	if p.in.f32 != nil {
		norm := n
		if norm == nil {
			mn, _, err := ModelNormalization(p.model)
			if err != nil {
				p.inErr = fmt.Errorf("%w; give a normalization (-mean, -std)", err)
				return p.inErr
			}
			norm = &mn
		}
		for c := range 3 {
			for x := range 256 {
				p.inF32[c][x] = norm.Value(c, byte(x))
			}
		}
		return nil
	}
	for c := range 3 {
		for x := range 256 {
			if n == nil {
				p.inQ8[c][x] = int8(x - 128) // uint8: the raw byte in the int8 domain; int8: the byte minus 128
			} else {
				p.inQ8[c][x] = quantizeExact(byte(x), n.Mean[c], n.Std[c], p.in.q.scale, p.in.q.zp)
			}
		}
	}
	return nil
}

var ratHalf = big.NewRat(1, 2)

// quantizeExact is clamp(round((x - mean) / std / scale) + zp, -128, 127)
// with round half away from zero, in exact rational arithmetic on the
// float32 values (no float rounding can move a value across a .5). zp is
// in the int8 domain; a uint8 tensor's zp-128 gives the same byte as
// rounding and clamping to [0, 255] with its own zero point.
func quantizeExact(x byte, mean, std, scale float32, zp int32) int8 {
	v := new(big.Rat).SetInt64(int64(x))
	v.Sub(v, new(big.Rat).SetFloat64(float64(mean)))
	d := new(big.Rat).SetFloat64(float64(std))
	d.Mul(d, new(big.Rat).SetFloat64(float64(scale)))
	v.Quo(v, d)
	neg := v.Sign() < 0
	v.Abs(v)
	v.Add(v, ratHalf)
	r := new(big.Int).Quo(v.Num(), v.Denom()) // floor(|v| + 1/2)
	if neg {
		r.Neg(r)
	}
	lo, hi := big.NewInt(int64(-128-zp)), big.NewInt(int64(127-zp))
	switch {
	case r.Cmp(lo) < 0:
		return -128
	case r.Cmp(hi) > 0:
		return 127
	}
	return int8(r.Int64() + int64(zp))
}
