package runtime

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// BenchmarkMobileNetV2 runs the two MobileNet-V2 fixtures (uint8 and TF2
// int8 with uint8 IO) as BenchmarkMobileNet runs the builder's V1 networks:
//
//	go test ./runtime -run '^$' -bench MobileNetV2 -benchtime 10x
func BenchmarkMobileNetV2(b *testing.B) {
	for _, stem := range []string{"mobilenet_v2_1.0_224_quant", "tf2_mobilenet_v2_1.0_224_ptq"} {
		m, err := Load(fixtures.Path(b, "models/"+stem+".tflite"))
		if err != nil {
			b.Fatal(err)
		}
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/t%d", stem, threads), func(b *testing.B) { benchPlan(b, m, threads, false) })
		}
		b.Run(stem+"/t1/profile", func(b *testing.B) { benchPlan(b, m, 1, true) })
	}
}
