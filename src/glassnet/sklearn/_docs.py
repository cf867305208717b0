"""The parameter and attribute documentation shared by ``MLPClassifier`` and ``MLPRegressor``."""

PARAMETERS = """
    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(100,)
        Units of each hidden layer, input to output.
    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        Activation of the hidden layers (glassnet's "linear", "sigmoid", "tanh", "relu").
    solver : {"lbfgs", "sgd", "adam", "rmsprop", "adagrad"}, default="adam"
        "lbfgs": full-batch L-BFGS-B from ``scipy.optimize`` over the flat parameter vector.
        "sgd", "adam": mini-batch steps of ``gn.optimizers.SGD`` (``momentum``,
        ``nesterovs_momentum``, ``learning_rate``) or ``gn.optimizers.Adam`` (``beta_1``,
        ``beta_2``, ``epsilon``); "rmsprop", "adagrad" (glassnet only) likewise.
    alpha : float, default=1e-4
        Strength of the L2 penalty ``alpha/(2·S) · Σ‖W‖²`` (``S`` the samples of the batch, or
        the sum of their weights); biases are not penalised.
    batch_size : int or "auto", default="auto"
        Samples per update; "auto" is ``min(200, n_samples)``; larger values are clipped to
        ``n_samples`` with a warning. Not used by "lbfgs".
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Schedule of "sgd": constant; ``learning_rate_init / (t + 1)^power_t`` after every epoch
        (``t`` the samples seen); or divided by 5 each time ``n_iter_no_change`` epochs in a row
        bring no improvement of ``tol`` (training stops once it is below 1e-6).
    learning_rate_init : float, default=1e-3
        Initial learning rate (stochastic solvers).
    power_t : float, default=0.5
        Exponent of "invscaling".
    max_iter : int, default=200
        Most epochs (stochastic solvers) or L-BFGS iterations per ``fit``.
    shuffle : bool, default=True
        Shuffle the samples before every epoch (stochastic solvers).
    random_state : int, RandomState or None, default=None
        Seeds the initial weights, the shuffling and the early-stopping split; the same int gives
        the same starting weights and batch order as scikit-learn's estimator.
    tol : float, default=1e-4
        Smallest improvement of the training loss (or of the validation score with early
        stopping) that counts; for "lbfgs", the projected-gradient tolerance ``gtol``.
    verbose : bool or int, default=False
        Print the loss after every iteration.
    warm_start : bool, default=False
        ``fit`` goes on from ``coefs_``/``intercepts_`` (with a fresh optimizer) instead of new
        weights.
    momentum : float, default=0.9
        Momentum of "sgd".
    nesterovs_momentum : bool, default=True
        Nesterov momentum for "sgd" (when ``momentum > 0``).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified for single-output classifiers),
        stop when its score has not improved by ``tol`` for ``n_iter_no_change`` epochs, and keep
        the weights of the best epoch (stochastic solvers).
    validation_fraction : float, default=0.1
        Share of the samples held out for early stopping.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's parameters.
    n_iter_no_change : int or np.inf, default=10
        Stop once more than this many epochs in a row made no improvement of ``tol``.
    max_fun : int, default=15000
        Most evaluations of the objective for "lbfgs".
    optimizer : str or None, default=None
        glassnet's name for ``solver`` (one of its values); None means ``solver``.
    dtype : None, "float32" or "float64", default=None
        Precision of the network. None follows ``X``: float32 data trains in float32 and any
        other data in float64, as scikit-learn does.

    Attributes
    ----------
    coefs_ : list of ndarray
        ``W_i: (n_in, n_out)`` of every layer; may be assigned (training goes on from them).
    intercepts_ : list of ndarray
        ``b_i: (n_out,)`` of every layer; may be assigned.
    loss_ : float
        Objective (loss + penalty) of the last iteration.
    loss_curve_ : list of float
        That objective after every epoch (stochastic solvers).
    best_loss_ : float or None
        Lowest training objective (None with early stopping).
    validation_scores_ : list of float or None
        Validation score after every epoch (early stopping only).
    best_validation_score_ : float or None
        Best of them (early stopping only).
    n_iter_ : int
        Iterations run by the last ``fit`` (1 after ``partial_fit``).
    t_ : int
        Training samples seen by the stochastic solvers, summed over epochs.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Output units.
    out_activation_ : str
        Output activation ("logistic", "softmax", "identity" or "exp").
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    The objective and its gradient are scikit-learn's, with sample weights; forward and
    backward passes use glassnet's ``dense_forward``/``dense_backward`` and activation functions
    on views into one flat parameter vector, and the updates are glassnet's optimizers. The
    first layer multiplies a sparse ``X`` (CSR/CSC) directly. Predictions come in ``X``'s float
    dtype.
"""
