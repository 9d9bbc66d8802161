"""``mv2 benchmark``: MobileViTv2 in LiteRT against the machine's limit, int8 fidelity, attention scaling."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from edge.benchmark import attention_scaling, benchmark_models, plot_attention, plot_models, write_json
from edge.convert import convert
from edge.fidelity import compare_outputs, input_noise_sensitivity
from edge.representative import RepresentativeData
from edge.runtime import LiteRTModel


def run_benchmark(
    output_dir: str | Path,
    alpha: float = 1.0,
    size: int = 256,
    weights: str | None = None,
    thread_counts: tuple[int, ...] = (1, 2),
    include_int8: bool = True,
    compare_kimm: bool = False,
    extra_images: np.ndarray | str | Path | None = None,
    attention: bool = True,
    progress=print,
) -> dict:
    """Run the benchmarks and write ``benchmark.json``, ``latency.png`` (and ``attention.png``) to ``output_dir``.

    ``extra_images``: more test images in [0, 255], ``(N, H, W, 3)``, or an ``.npz`` holding them as
    ``image_nchw_uint8`` (the layout of Apple's reference fixtures).
    """
    from edge.export import verification_images
    from keras_mv2.applications import MobileViTv2

    if isinstance(extra_images, (str, Path)):
        with np.load(extra_images) as data:
            extra_images = data["image_nchw_uint8"].transpose(0, 2, 3, 1).astype("float32")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    model = MobileViTv2(alpha, weights=weights, input_shape=(size, size, 3), classifier_activation=None)
    photos = verification_images((size, size))
    images = photos if extra_images is None else np.concatenate([photos, extra_images])
    models = {f"keras_mv2 {alpha} fp32": convert(model).flatbuffer}
    report: dict = {"alpha": alpha, "size": size, "weights": weights or "random initialisation"}
    if include_int8:
        image_set = "bundled photos" + ("" if extra_images is None else " + given images")
        int8, report["int8_vs_fp32"] = _int8_fidelity(model, models[f"keras_mv2 {alpha} fp32"], images, progress)
        report["int8_vs_fp32"]["image_set"] = image_set
        models[f"keras_mv2 {alpha} int8"] = int8
        if weights is not None:
            # The same measurement on smooth weights (Keras' initialisation), whose float outputs do not
            # jump under sub-grey-level noise: separates quantisation error from the weights' sensitivity.
            keras.utils.set_random_seed(0)
            smooth = MobileViTv2(alpha, input_shape=(size, size, 3), classifier_activation=None)
            progress("the same on Keras-initialised weights (seed 0):")
            _, report["int8_vs_fp32_keras_init"] = _int8_fidelity(smooth, convert(smooth).flatbuffer, images, progress)
    if compare_kimm:
        models[f"kimm {alpha} fp32"] = convert(_kimm_model(alpha, size)).flatbuffer
    report.update(benchmark_models(models, thread_counts, progress=progress))
    by_name = {(r["name"], r["threads"]): r for r in report["models"]}
    ratios = {}
    for threads in thread_counts:
        ours = by_name[(f"keras_mv2 {alpha} fp32", threads)]["median_ms"]
        if compare_kimm:
            ratios[f"kimm_over_ours_fp32_{threads}thr"] = by_name[(f"kimm {alpha} fp32", threads)]["median_ms"] / ours
        if include_int8:
            ratios[f"fp32_over_int8_{threads}thr"] = ours / by_name[(f"keras_mv2 {alpha} int8", threads)]["median_ms"]
    report["speed_ratios"] = ratios
    for name, value in ratios.items():
        progress(f"{name}: {value:.2f}x")
    plot_models(report, output_dir / "latency.png")
    if attention:
        report["attention_scaling"] = attention_scaling(threads=1, progress=progress)
        plot_attention(report["attention_scaling"], output_dir / "attention.png")
        scaling = report["attention_scaling"]
        if "separable_growth_vs_linear" in scaling:
            progress(
                f"separable attention 1024 -> 16384 tokens: {scaling['separable_growth_1024_to_16384']:.1f}x time "
                f"for 16x tokens = {scaling['separable_growth_vs_linear']:.2f}x linear"
            )
    write_json(report, output_dir / "benchmark.json")
    return report


def _int8_fidelity(model, float_flatbuffer: bytes, images: np.ndarray, progress) -> tuple[bytes, dict]:
    """Full-int8 conversion calibrated on ``images``, compared with float32 LiteRT on the same images.

    Also measures float32 against itself with sub-grey-level input noise: what these weights allow any
    8-bit pipeline at best.
    """
    calibration = RepresentativeData(images, f"{len(images)} real images")
    int8 = convert(model, "int8", "uint8", calibration).flatbuffer
    float_model = LiteRTModel.load(float_flatbuffer)
    fidelity = compare_outputs(float_model(images), LiteRTModel.load(int8)(images))
    progress(f"int8 vs fp32 (LiteRT): {fidelity.summary()}")
    floor = input_noise_sensitivity(float_model, images, sigma=0.5)
    progress(f"fp32 vs fp32 on inputs + N(0, 0.5 grey levels) noise: {floor.summary()}")
    return int8, {**fidelity.as_dict(), "fp32_vs_fp32_with_input_noise_0.5": floor.as_dict()}


def _kimm_model(alpha: float, size: int):
    """kimm's MobileViTv2 (the peer port) with random weights; kimm is installed only for benchmarks."""
    try:
        import kimm
    except ImportError:
        raise RuntimeError("kimm is not installed: scripts/benchmark.sh installs it for the benchmark") from None
    name = {0.5: "W050", 0.75: "W075", 1.0: "W100", 1.25: "W125", 1.5: "W150", 1.75: "W175", 2.0: "W200"}[alpha]
    constructor = getattr(kimm.models, f"MobileViTV2{name}")
    return constructor(weights=None, input_shape=(size, size, 3))


def run_dense_benchmark(
    output_dir: str | Path, alpha: float = 1.0, thread_counts: tuple[int, ...] = (1, 2), progress=print
) -> dict:
    """LiteRT latency of DeepLabv3 (512x512) and SSDLite (320x320), fp32 and int8.

    SSDLite is timed twice: as exported (with the post-processing op) and as the network alone. With
    random weights every class passes the score threshold on every anchor, so the per-class NMS costs far
    more than it does with trained weights; the network-alone rows bound what the detector costs then.
    """
    import tempfile

    from edge.dense_export import export_dense
    from edge.representative import generated
    from keras_mv2.applications import DeepLabV3MobileViTv2, SSDLiteMobileViTv2

    def network_only(model, path, quantization, calibration):
        path.write_bytes(convert(model, quantization, "float32", calibration).flatbuffer)

    def with_metadata(model, path, quantization, calibration):
        export_dense(model, path, None, quantization, calibration)

    models = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, build, size, export in (
            ("deeplabv3", lambda: DeepLabV3MobileViTv2(alpha, input_shape=(512, 512, 3)), 512, with_metadata),
            ("ssdlite+nms", lambda: SSDLiteMobileViTv2(alpha, input_shape=(320, 320, 3)), 320, with_metadata),
            ("ssdlite net", lambda: SSDLiteMobileViTv2(alpha, input_shape=(320, 320, 3)), 320, network_only),
        ):
            keras.utils.set_random_seed(0)  # the same weights for both SSDLite variants
            model = build()
            for quantization in ("float32", "int8"):
                calibration = generated((size, size), 8) if quantization == "int8" else None
                path = Path(scratch) / f"{name.replace(' ', '-')}-{quantization}.tflite"
                export(model, path, quantization, calibration)
                models[f"{name} {alpha} {size}px {quantization}"] = path.read_bytes()
                progress(f"exported {name} {quantization}")
    report = {"alpha": alpha, **benchmark_models(models, thread_counts, progress=progress)}
    write_json(report, Path(output_dir) / "dense_benchmark.json")
    plot_models(report, Path(output_dir) / "dense_latency.png")
    return report
