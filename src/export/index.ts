/**
 * Exporting fate checkpoints for other runtimes: a GGUF file of llama.cpp's `llama`
 * architecture, and a Hugging Face `LlamaForCausalLM` folder. Also the GGUF container itself
 * (writer, reader) and the tokenizer's GGUF form, which the `llamacpp` policy reads back.
 */
export { ExportError, readExportSource, type ExportSource } from './export-source.js';
export { argumentKindsMetadataKey, encodeLlamaGguf, exportGguf, llamaGgufModelMetadata, llamaGgufTensors } from './gguf-export.js';
export { decodeGgufHeader, ggufMetadataValue, ggufTensorData, readGgufHeader, type GgufHeader, type GgufTensorInfo } from './gguf-reader.js';
export { ggufTokenizerMetadata, tokenizerFromGguf } from './gguf-tokenizer.js';
export { GGUF_VERSION, GgufError, ggufTokenTypes, type GgmlType, type GgufScalar, type GgufScalarType, type GgufValue } from './gguf-types.js';
export { encodeGguf, ggufArray, type GgufTensor } from './gguf-writer.js';
export { exportHuggingFace, HUGGING_FACE_FILES, huggingFaceConfig, huggingFaceGenerationConfig, huggingFaceTensors } from './huggingface-export.js';
export { consecutivePairsToHalves, halvesToConsecutivePairs, transposeMatrix } from './llama-weight-layout.js';
export { specialTokenRoles, type SpecialTokenRoles } from './special-token-roles.js';
