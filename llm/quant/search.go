package quant

import "math"

// The scale searches ggml's reference k-quant quantizers use (make_qx_quants,
// make_q3_quants, make_qkx2_quants in ggml-quants.c), rewritten so that every
// float32 operation happens in the same order and with the same rounding as
// in llama.cpp's build of them, which produces the quantized bytes llama.cpp
// files contain.
//
// Bit-exactness rules followed throughout this package's quantizers:
//   - All arithmetic is float32, evaluated left to right as the C source
//     groups it; ints meet floats by conversion first, as C promotes them.
//   - A product that feeds an addition or subtraction is wrapped in an
//     explicit float32(...) conversion. The Go spec lets a compiler fuse
//     x*y+z into one FMA (it does on arm64, and on amd64 with GOAMD64=v3);
//     an explicit conversion forbids that. ggml-quants.c lives in ggml-base,
//     which llama.cpp compiles without -march flags, so its x*y+z is two
//     rounded operations, never an FMA.
//   - Rounding to an integer uses nearestInt, ggml's magic-number trick.
//
// The VecDot kernels need no such care: ggml's own SIMD kernels sum in
// another order, with FMAs, so they are matched to a tolerance anyway.

// groupMaxEps is GROUP_MAX_EPS: a group whose largest magnitude is below it
// is treated as all zero.
const groupMaxEps = 1e-15

// nearestInt rounds f to the nearest integer, ties to even, the way ggml's
// nearest_int does: adding 1.5*2^23 leaves the rounded integer in the low
// mantissa bits. Exact for |f| <= 4194303; beyond that (ggml only asserts)
// it returns the same wrapped value ggml would, and NaN gives 0.
func nearestInt(f float32) int32 {
	// float32(f) keeps a caller's product rounded once inlined: without it
	// nearestInt(a*b) could become one FMA.
	v := float32(f) + 12582912
	return int32(math.Float32bits(v)&0x007fffff) - 0x00400000
}

func abs32(f float32) float32 { return math.Float32frombits(math.Float32bits(f) &^ (1 << 31)) }

func sqrt32(f float32) float32 {
	// Correctly rounded: a float64 square root rounded to float32 equals
	// sqrtf, since 53 >= 2*24+2 bits.
	return float32(math.Sqrt(float64(f)))
}

func clamp(l, lo, hi int32) int32 { return max(lo, min(hi, l)) }

// makeQXQuants is make_qx_quants with rmse_type 1 and no importance
// weights (each element weighted by x²), the form Q6_K's reference quantizer
// uses. It picks a symmetric scale for the group x, writes the quants
// (offset by nmax, so in [0, 2*nmax)) to L and returns the scale. It tries
// 18 scales around nmax/max and keeps the one that maximises
// (Σw·x·l)²/Σw·l², i.e. minimises the weighted squared error.
func makeQXQuants(nmax int32, x []float32, L []int8) float32 {
	L = L[:len(x)]
	var maxv, amax float32
	for _, v := range x {
		if ax := abs32(v); ax > amax {
			amax, maxv = ax, v
		}
	}
	if amax < groupMaxEps {
		clear(L)
		return 0
	}
	iscale := float32(-nmax) / maxv
	var sumlx, suml2 float32
	for i, v := range x {
		l := clamp(nearestInt(iscale*v), -nmax, nmax-1)
		L[i] = int8(l + nmax)
		w := v * v
		fl := float32(l)
		sumlx += float32(w * v * fl)
		suml2 += float32(w * fl * fl)
	}
	var scale float32
	if suml2 != 0 {
		scale = sumlx / suml2
	}
	best := scale * sumlx
	for is := int32(-9); is <= 9; is++ {
		if is == 0 {
			continue
		}
		iscale = -(float32(nmax) + float32(0.1*float32(is))) / maxv
		sumlx, suml2 = 0, 0
		for _, v := range x {
			l := clamp(nearestInt(iscale*v), -nmax, nmax-1)
			w := v * v
			fl := float32(l)
			sumlx += float32(w * v * fl)
			suml2 += float32(w * fl * fl)
		}
		if suml2 > 0 && sumlx*sumlx > best*suml2 {
			for i, v := range x {
				L[i] = int8(nmax + clamp(nearestInt(iscale*v), -nmax, nmax-1))
			}
			scale = sumlx / suml2
			best = scale * sumlx
		}
	}
	return scale
}

// makeQ3Quants is make_q3_quants with do_rmse: a symmetric scale for the
// group x with quants in [-nmax, nmax), refined by up to five passes that
// move one quant at a time whenever that improves the x²-weighted fit. The
// quants are written to L offset by nmax; the scale is returned.
func makeQ3Quants(nmax int32, x []float32, L []int8) float32 {
	L = L[:len(x)]
	var maxv, amax float32
	for _, v := range x {
		if ax := abs32(v); ax > amax {
			amax, maxv = ax, v
		}
	}
	if amax < groupMaxEps {
		clear(L)
		return 0
	}
	iscale := float32(-nmax) / maxv
	var sumlx, suml2 float32
	for i, v := range x {
		l := clamp(nearestInt(iscale*v), -nmax, nmax-1)
		L[i] = int8(l)
		w := v * v
		fl := float32(l)
		sumlx += float32(w * v * fl)
		suml2 += float32(w * fl * fl)
	}
	for range 5 {
		changed := false
		for i, v := range x {
			w := v * v
			fl := float32(L[i])
			slx := sumlx - float32(w*v*fl)
			if slx > 0 {
				sl2 := suml2 - float32(w*fl*fl)
				newL := clamp(nearestInt(v*sl2/slx), -nmax, nmax-1)
				if newL != int32(L[i]) {
					fn := float32(newL)
					slx += float32(w * v * fn)
					sl2 += float32(w * fn * fn)
					if sl2 > 0 && slx*slx*suml2 > sumlx*sumlx*sl2 {
						L[i] = int8(newL)
						sumlx, suml2 = slx, sl2
						changed = true
					}
				}
			}
		}
		if !changed {
			break
		}
	}
	for i := range L {
		L[i] += int8(nmax)
	}
	if suml2 > 0 {
		return sumlx / suml2
	}
	return 0
}

// makeQKX2Quants is make_qkx2_quants: an asymmetric fit x ≈ scale*l - min
// with l in [0, nmax], for the k-quants that store a minimum (Q2_K, Q4_K,
// Q5_K). It starts from the min/max fit, then tries nstep+1 inverse scales
// (nmax+rmin+rdelta*is)/(max-min), solving the weighted least-squares scale
// and min for each and keeping the lowest weighted error (absolute error if
// useMAD, squared otherwise). Quants go to L (laux is scratch of the same
// length); it returns the scale and the minimum to subtract (>= 0).
func makeQKX2Quants(nmax int32, x, weights []float32, L, laux []uint8, rmin, rdelta float32, nstep int32, useMAD bool) (scale, theMin float32) {
	n := len(x)
	weights, L, laux = weights[:n], L[:n], laux[:n]
	minv, maxv := x[0], x[0]
	sumW := weights[0]
	sumX := sumW * x[0]
	for i := 1; i < n; i++ {
		if x[i] < minv {
			minv = x[i]
		}
		if x[i] > maxv {
			maxv = x[i]
		}
		w := weights[i]
		sumW += w
		sumX += float32(w * x[i])
	}
	if minv > 0 {
		minv = 0
	}
	if maxv == minv {
		clear(L)
		return 0, -minv
	}
	iscale := float32(nmax) / (maxv - minv)
	scale = 1 / iscale
	var bestErr float32
	for i, v := range x {
		l := clamp(nearestInt(iscale*(v-minv)), 0, nmax)
		L[i] = uint8(l)
		diff := float32(scale*float32(l)) + minv - v
		if useMAD {
			diff = abs32(diff)
		} else {
			diff = diff * diff
		}
		bestErr += float32(weights[i] * diff)
	}
	if nstep < 1 {
		return scale, -minv
	}
	for is := int32(0); is <= nstep; is++ {
		iscale = (rmin + float32(rdelta*float32(is)) + float32(nmax)) / (maxv - minv)
		var sumL, sumL2, sumXL float32
		for i, v := range x {
			l := clamp(nearestInt(iscale*(v-minv)), 0, nmax)
			laux[i] = uint8(l)
			w := weights[i]
			fl := float32(l)
			sumL += float32(w * fl)
			sumL2 += float32(w * fl * fl)
			sumXL += float32(w * fl * v)
		}
		D := float32(sumW*sumL2) - float32(sumL*sumL)
		if D > 0 {
			thisScale := (float32(sumW*sumXL) - float32(sumX*sumL)) / D
			thisMin := (float32(sumL2*sumX) - float32(sumL*sumXL)) / D
			if thisMin > 0 {
				thisMin = 0
				thisScale = sumXL / sumL2
			}
			var curErr float32
			for i, v := range x {
				diff := float32(thisScale*float32(laux[i])) + thisMin - v
				if useMAD {
					diff = abs32(diff)
				} else {
					diff = diff * diff
				}
				curErr += float32(weights[i] * diff)
			}
			if curErr < bestErr {
				copy(L, laux)
				bestErr = curErr
				scale, minv = thisScale, thisMin
			}
		}
	}
	return scale, -minv
}
