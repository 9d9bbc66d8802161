package dev.kerasmv2.core

import java.io.StringReader
import java.nio.ByteBuffer

/**
 * A model's three files, read and checked against each other before anything is compiled: the
 * `.properties` that `mv2 export --app-assets` writes, the labels, and the `.tflite` tensors themselves.
 * A mismatch (an export from another size, a labels file of another model) fails here with its reason.
 */
class ModelAssets(val spec: ModelSpec, val labels: List<String>, val io: ModelIo) {
    companion object {
        /**
         * @param text reads a text asset by name
         * @param model reads (or maps) a model asset by name
         */
        fun load(propertiesName: String, text: (String) -> String, model: (String) -> ByteBuffer): ModelAssets {
            val spec = ModelSpec.parse(StringReader(text(propertiesName)))
            val labels = Labels.parse(text(spec.labelsFile))
            Labels.requireCount(labels, spec.classes)
            val io = ModelIo.of(spec, TfliteModelReader.read(model(spec.modelFile)))
            return ModelAssets(spec, labels, io)
        }
    }
}
