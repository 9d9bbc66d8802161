"""The paper's ImageNet-1k training recipe (ml-cvnets' `mobilevit_v2.yaml` and its per-width commands)."""

from __future__ import annotations

from dataclasses import dataclass, replace

# Per width: (max learning rate, weight decay). min lr = max lr / 10.
PER_WIDTH = {
    0.5: (0.009, 0.004),
    0.75: (0.009, 0.008),
    1.0: (0.0075, 0.013),
    1.25: (0.0049, 0.020),
    1.5: (0.0035, 0.029),
    1.75: (0.0026, 0.039),
    2.0: (0.002, 0.05),
}


@dataclass(frozen=True)
class Recipe:
    """Training hyper-parameters. Defaults: ml-cvnets' MobileViTv2 ImageNet recipe (global batch 1024, 300 epochs)."""

    learning_rate: float = 0.0075  # peak, after warm-up
    min_learning_rate_ratio: float = 0.1  # cosine decays to learning_rate * this
    weight_decay: float = 0.013  # AdamW, not applied to norms and biases
    warmup_steps: int = 20_000  # linear warm-up from warmup_start
    warmup_start: float = 1e-6
    epochs: int = 300
    batch_size: int = 1024
    label_smoothing: float = 0.1
    mixup_alpha: float = 0.2  # each batch gets MixUp or CutMix, one of the two at random
    cutmix_alpha: float = 1.0
    randaugment: bool = True  # 2 operations, magnitude 9 of 10
    random_erasing: float = 0.25  # probability
    crop_scale: tuple[float, float] = (0.08, 1.0)  # random resized crop, bicubic
    ema_momentum: float = 0.9995  # ml-cvnets' EMA momentum 0.0005, in Keras' convention
    clip_global_norm: float = 10.0
    mixed_precision: bool = True  # used where the device has fast half precision (a GPU), else float32

    def for_fine_tuning(self, epochs: int, batch_size: int, steps_per_epoch: int) -> Recipe:
        """The same recipe over a short run: warm-up capped at a tenth of the steps, cosine over the rest, and
        an EMA whose horizon (1 / (1 - momentum) steps) is at most a tenth of the run: with the paper's
        0.9995 a run of a few hundred steps would end on weights that are mostly the initial ones."""
        total = max(1, epochs * steps_per_epoch)
        warmup = min(self.warmup_steps, max(1, total // 10))
        ema = min(self.ema_momentum, max(0.0, 1 - 10 / total)) if self.ema_momentum > 0 else 0.0
        return replace(self, epochs=epochs, batch_size=batch_size, warmup_steps=warmup, ema_momentum=ema)


def recipe_for(alpha: float) -> Recipe:
    """The recipe with the learning rate and weight decay of the nearest published width."""
    nearest = min(PER_WIDTH, key=lambda width: abs(width - alpha))
    learning_rate, weight_decay = PER_WIDTH[nearest]
    return Recipe(learning_rate=learning_rate, weight_decay=weight_decay)
