module github.com/edgecam/edgecam

go 1.26.0

require (
	github.com/blackjack/webcam v0.6.1 // indirect
	github.com/google/flatbuffers v25.12.19+incompatible // indirect
	golang.org/x/image v0.47.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	periph.io/x/conn/v3 v3.7.2 // indirect
	periph.io/x/host/v3 v3.8.5 // indirect
)
