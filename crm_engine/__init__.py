"""Pure-Python computations for the Odoo CRM suite.

This package imports no Odoo. The addons extract data with SQL, hand plain
``pandas.DataFrame`` objects to these functions and store what they return.

Conventions of the analytics API (:mod:`~crm_engine.rfm`,
:mod:`~crm_engine.clusters`, :mod:`~crm_engine.clv`,
:mod:`~crm_engine.propensity`, :mod:`~crm_engine.forecast`,
:mod:`~crm_engine.transactions`):

* The data frames are the only positional arguments (``transactions``, then
  e.g. ``mailings``); every option is keyword-only.
* Column names: ``customer_id_col``, ``datetime_col``, ``monetary_value_col``
  (defaults ``customer_id``, ``date``, ``amount``).
* The end of the data is ``observation_end`` (date-like, inclusive; ``None`` =
  the last transaction date). The forecast reads it at month resolution.
* Horizons carry their unit: ``horizon_days``, ``horizon_months``,
  ``holdout_months``.
* Randomness goes through ``random_state`` (int, ``RandomState`` or ``None``).
* A result with several parts is a dataclass (frozen) holding DataFrames:
  :class:`~crm_engine.clusters.ClusterResult`, :class:`~crm_engine.clv.CLVResult`,
  :class:`~crm_engine.propensity.PropensityResult`; a single table is a DataFrame.
* An undefined metric (e.g. the AUC of a one-class holdout) is ``None``, not NaN;
  inside a DataFrame a missing value stays NaN.
"""

__version__ = "19.0.1.0.0"
