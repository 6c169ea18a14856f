package tflite

// Field ids of the TFLite metadata schema
// (tensorflow/tflite-support tensorflow_lite_support/metadata/metadata_schema.fbs,
// schema 1.x, file identifier "M001") and of the model's metadata entries
// (schema.fbs table Metadata), used as in schema.go.

// metadataName is the Model.metadata entry whose buffer holds the metadata
// flatbuffer.
const metadataName = "TFLITE_METADATA"

// metadataIdentifier is the metadata flatbuffer's file identifier.
const metadataIdentifier = "M001"

// metadataParserVersion is the min_parser_version the writer records: every
// field it writes exists since metadata schema 1.0.0.
const metadataParserVersion = "1.0.0"

// table Metadata (schema.fbs): one entry of Model.metadata.
const (
	fMetadataEntryName   = 0 // string
	fMetadataEntryBuffer = 1 // uint index into Model.buffers
	metadataEntryNumFlds = 2
)

// table ModelMetadata
const (
	fModelMDName             = 0 // string
	fModelMDDescription      = 1 // string
	fModelMDVersion          = 2 // string
	fModelMDSubgraphs        = 3 // [SubGraphMetadata]
	fModelMDAuthor           = 4 // string
	fModelMDLicense          = 5 // string
	fModelMDAssociatedFiles  = 6 // [AssociatedFile]
	fModelMDMinParserVersion = 7 // string
	modelMDNumFlds           = 8
)

// table SubGraphMetadata
const (
	fSubGraphMDName            = 0 // string
	fSubGraphMDDescription     = 1 // string
	fSubGraphMDInputs          = 2 // [TensorMetadata]
	fSubGraphMDOutputs         = 3 // [TensorMetadata]
	fSubGraphMDAssociatedFiles = 4 // [AssociatedFile]
	subGraphMDNumFlds          = 7 // with input_process_units, output_process_units
)

// table TensorMetadata
const (
	fTensorMDName            = 0 // string
	fTensorMDDescription     = 1 // string
	fTensorMDDimensionNames  = 2 // [string]
	fTensorMDContent         = 3 // Content
	fTensorMDProcessUnits    = 4 // [ProcessUnit]
	fTensorMDStats           = 5 // Stats
	fTensorMDAssociatedFiles = 6 // [AssociatedFile]
	tensorMDNumFlds          = 7
)

// table Content
const (
	fContentPropertiesType = 0 // ContentProperties union type (ubyte)
	fContentProperties     = 1 // ContentProperties union value (table)
	fContentRange          = 2 // ValueRange
	contentNumFlds         = 3
)

// union ContentProperties
const (
	contentFeatureProperties = 1 // FeatureProperties (empty table)
	contentImageProperties   = 2 // ImageProperties
)

// table ImageProperties
const (
	fImagePropsColorSpace  = 0 // ColorSpaceType (byte): 0 UNKNOWN, 1 RGB, 2 GRAYSCALE
	fImagePropsDefaultSize = 1 // ImageSize
	imagePropsNumFlds      = 2
)

// table ProcessUnit
const (
	fProcessUnitOptionsType = 0 // ProcessUnitOptions union type (ubyte)
	fProcessUnitOptions     = 1 // ProcessUnitOptions union value (table)
	processUnitNumFlds      = 2
)

// union ProcessUnitOptions: NormalizationOptions is 1 (then
// ScoreCalibrationOptions, ScoreThresholdingOptions, BertTokenizerOptions,
// SentencePieceTokenizerOptions).
const unitNormalizationOptions = 1

// table NormalizationOptions
const (
	fNormalizationMean = 0 // [float]
	fNormalizationStd  = 1 // [float]
	normalizationNumFl = 2
)

// table AssociatedFile
const (
	fAssocFileName        = 0 // string
	fAssocFileDescription = 1 // string
	fAssocFileType        = 2 // AssociatedFileType (byte)
	fAssocFileLocale      = 3 // string
	assocFileNumFlds      = 4
)
