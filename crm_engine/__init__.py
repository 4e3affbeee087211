"""Pure-Python computations for the Odoo CRM suite.

This package imports no Odoo. The addons extract data with SQL, hand plain
``pandas.DataFrame`` objects to these functions and store what they return.
"""

__version__ = "19.0.1.0.0"
