package runtime

// elementChunk is the number of elements one work unit of an elementwise step
// (QUANTIZE, DEQUANTIZE, ADD, RELU) converts.
const elementChunk = 4096
