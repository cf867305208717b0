"""Every threshold the diagnostics use, one named constant each, with where it comes from.

The numbers are rules of thumb, not laws: each is set where the literature (or a widely used
tool) puts it, and checked against the broken and the well-set-up networks of
``tests/diagnostics``. Change one here and every check follows.

Sources
-------
* CS231n, "Neural Networks Part 3: learning and evaluation", section *Ratio of weights:updates*:
  "a rough heuristic is that this ratio should be somewhere around 1e-3. If it is lower than
  this then the learning rate might be too low. If it is higher then the learning rate is likely
  too high."
* A. Karpathy, "A Recipe for Training Neural Networks" (2019): *verify loss @ init* (a softmax
  over k classes should start at ``−ln(1/k)``), *input-independent baseline*, *overfit one
  batch*, and the habit of looking at the data (scales, class balance) before anything else.
* keras-contrib's ``DeadReluDetector``: a ReLU is dead when it "did not fire once for the entire
  training set"; it warns when 10 % or more of a layer's units are dead.
* fastai's ``ActivationStats`` / "colorful dimension" histograms: the share of activations near
  zero (or, for sigmoid and tanh, near their limits) per layer and per batch.
* X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward neural
  networks" (AISTATS 2010): saturated sigmoid units with standard-normal initialisation, and
  back-propagated gradients whose size changes layer by layer.
* L. N. Smith, "Cyclical Learning Rates for Training Neural Networks" (2015, arXiv:1506.01186):
  the learning-rate range test; fastai's ``lr_find`` (an exponential schedule, a smoothed loss,
  stop when it diverges, suggest one tenth of the learning rate of the minimum).
* Y. LeCun, L. Bottou, G. Orr, K.-R. Müller, "Efficient BackProp" (1998), section 4.3:
  inputs should have a mean near zero and variances of the same order (near one).
"""

from __future__ import annotations

#: At most this many rows of ``X`` are used for the activation and gradient statistics, so
#: one check costs about a forward and a backward pass over 1 024 samples whatever the data size.
SAMPLE_SIZE = 1024

# -- data (LeCun et al. 1998; Karpathy 2019: "become one with the data") ----------------------
#: A feature is unscaled when ``max(|mean|, std)`` exceeds this: standardised features have
#: mean 0 and std 1, pixels scaled to [0, 1] about 0.5 and 0.3. Ten times the unit scale leaves
#: room for data that is only roughly scaled (iris in centimetres: 5.8 at most).
UNSCALED_SCALE = 10.0
#: ... or when its range ``max − min`` exceeds this.
UNSCALED_RANGE = 100.0
#: Classes are imbalanced when (least frequent count) / (most frequent count) is at most this
#: (the issue's 0.1; a 95/5 split is 0.053).
CLASS_IMBALANCE_RATIO = 0.1

# -- the loss at initialisation (Karpathy 2019, "verify loss @ init") -------------------------
#: The loss of an untrained k-class head should be near ``−ln(1/k) = ln k`` (every class equally
#: likely). It is "far" above when it exceeds this multiple of ``ln k``: confident predictions
#: before any training, from over-large weights in the last layers.
BAD_INIT_LOSS_FACTOR = 3.0

# -- activations (keras-contrib DeadReluDetector; fastai ActivationStats; Glorot 2010) -------
#: A ReLU layer has too many dead units when this share of its units (or more) give 0 for every
#: sample of the sample. keras-contrib warns from 10 %, but in the small layers of these posts
#: that is one or two units of 16, which healthy trained networks show (a well-trained 16-16
#: moons net has 12.5 %); from half the layer on, the layer has lost most of its capacity.
DEAD_UNITS_SHARE = 0.5
#: A sigmoid output is saturated below this or above ``1 −`` this; a tanh output when
#: ``|a| > 1 − 2 ×`` this (the same distance from the limits on tanh's twice wider range).
#: There the derivative ``a(1 − a)`` is below 0.01 (0.0396 for tanh): learning crawls.
SATURATION_MARGIN = 0.01
#: A unit is saturated when it is so for more than this share of the samples ("most samples").
SATURATED_SAMPLE_SHARE = 0.5
#: A layer is reported when more than this share of its units are saturated.
SATURATED_UNITS_SHARE = 0.5

# -- gradients through depth (Glorot & Bengio 2010) ------------------------------------------
#: Gradients are compared only in networks with at least this many layers with weights.
GRADIENT_MIN_DEPTH = 3
#: ``||dL/dA||`` at the first weighted layer divided by that at the last: below this the
#: gradient vanishes on its way down (Glorot & Bengio's sigmoid nets lose orders of magnitude).
#: Measured: well-initialised ReLU/tanh nets of 3 to 10 layers give 0.5 to 5; ten sigmoid
#: layers with std-1 weights 0.003; eight leaky-ReLU layers with std-1 weights 200.
VANISHING_RATIO = 1e-2
#: ... and above this it explodes.
EXPLODING_RATIO = 1e2

# -- learning rate (CS231n's update/weight ratio; Smith 2015) ---------------------------------
#: CS231n's healthy ratio ``||ΔW|| / ||W||`` of one update, per weight matrix.
UPDATE_RATIO_TARGET = 1e-3
#: The largest layer ratio above this (300 × the target: the update moves the weights by a
#: third of their size in one step) means the learning rate is too high. Adam's very first step
#: moves every weight by about ``lr``, which gives 1e-2 to 1e-1 for its usual learning rates.
UPDATE_RATIO_HIGH = 0.3
#: The largest layer ratio below this (100 × under the target) means it is too low.
UPDATE_RATIO_LOW = 1e-5
#: The loss "rises" when its mean over the last epochs exceeds the first epoch's by this share.
LOSS_RISE = 0.1
#: It "oscillates" when at least this share of the epoch-to-epoch changes are rises ...
OSCILLATION_SHARE = 0.3
#: ... each of more than this share of the loss before it.
OSCILLATION_JUMP = 0.1
#: It also oscillates when, in the second half, one epoch's loss jumps to more than this
#: multiple of the lowest loss before it (a step that threw the weights off what was learnt;
#: the lr range test's divergence rule, LR_FIND_DIVERGE below, is the same idea) ...
SPIKE_FACTOR = 3.0
#: ... by more than this share of the first epoch's loss (so that the noise of a loss near 0
#: is not counted).
SPIKE_MIN_SHARE = 0.1
#: A classifier's loss after training above this multiple of ``ln k`` (what predicting every
#: class with probability 1/k scores: Karpathy's "input-independent baseline") means training
#: made it worse than knowing nothing: the steps threw the weights about.
CHANCE_LOSS_FACTOR = 2.0
#: The loss is "flat" when it changed by less than this share over the run.
FLAT_LOSS_CHANGE = 0.01

# -- history (Karpathy 2019: overfit, then regularise) ----------------------------------------
#: History checks need at least this many epochs.
HISTORY_MIN_EPOCHS = 5
#: Share of the last epochs averaged as "the end" of a curve.
HISTORY_TAIL = 0.2
#: Overfitting: the validation loss has risen by this share above its minimum ...
OVERFIT_VAL_RISE = 0.1
#: ... at least this many epochs after the minimum, while the training loss kept falling.
OVERFIT_PATIENCE = 3
#: Not learning: after at least this many epochs ...
NOT_LEARNING_MIN_EPOCHS = 20
#: ... the loss is still above this share of its initial value.
NOT_LEARNING_FRACTION = 0.9

# -- learning-rate range test (Smith 2015; fastai lr_find) ------------------------------------
#: Learning rates tried, from ... to ..., geometrically spaced.
LR_FIND_START = 1e-7
LR_FIND_END = 10.0
#: Steps of the test.
LR_FIND_STEPS = 100
#: Smoothing of the loss curve (exponential moving average with bias correction, as fastai;
#: fastai takes 0.98, whose 50-step memory lags a 100-step test by more than a decade of lr).
LR_FIND_BETA = 0.9
#: Stop once the smoothed loss exceeds this multiple of the best so far (it diverges).
LR_FIND_DIVERGE = 4.0
#: The suggestion is the learning rate of the smallest smoothed loss divided by this.
LR_FIND_DIVISOR = 10.0
#: Losses within this share (of the drop, or of the minimum) above the minimum count as tied.
LR_FIND_TIE = 0.1
#: The first steps are not searched for the minimum (fastai's ``skip_start=10``).
LR_FIND_SKIP = 10
