# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The upgrade path the migrations/ folder keeps (from 19.0.1.0.0) does its job."""

import importlib.util

from odoo.modules import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL


@tagged("crm_ops_migration")
class TestMigration(TransactionCase):
    def _migrate(self, version, from_version):
        path = f"{get_module_path('crm_ops')}/migrations/{version}/post-migration.py"
        spec = importlib.util.spec_from_file_location(f"crm_ops_migration_{version}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, from_version)

    def _keys(self, table, record):
        record.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT crm_ops_name_keys FROM %s WHERE id = %s", SQL.identifier(table), record.id)
        )
        return self.env.cr.fetchone()[0]

    def test_upgrade_from_19_0_1_0_0_adds_canonical_mailbox_keys(self):
        partner = self.env["res.partner"].create(
            {"name": "Ann Dot", "email": "a.n.n.dot+news@gmail.com"}
        )
        lead = self.env["crm.lead"].create(
            {"name": "Lamp", "contact_name": "Ann Dot", "email_from": "a.n.n.dot@gmail.com"}
        )
        expected = {"res_partner": self._keys("res_partner", partner)}
        expected["crm_lead"] = self._keys("crm_lead", lead)
        for table, record in (("res_partner", partner), ("crm_lead", lead)):
            self.assertIn("e:anndot@gmail.com", expected[table])
            # what 19.0.1.0.0 wrote: no canonical mailbox key
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET crm_ops_name_keys = array_remove(crm_ops_name_keys, %s)"
                    " WHERE id = %s",
                    SQL.identifier(table),
                    "e:anndot@gmail.com",
                    record.id,
                )
            )
            self.assertNotIn("e:anndot@gmail.com", self._keys(table, record))
        self._migrate("19.0.1.1.0", "19.0.1.0.0")
        self.assertEqual(self._keys("res_partner", partner), expected["res_partner"])
        self.assertEqual(self._keys("crm_lead", lead), expected["crm_lead"])

    def test_rating_column_created_in_sql_with_answered_ratings(self):
        """Install or upgrade on a database with orders: sale.order's rating_last_value is
        created and filled in SQL (the latest answered rating), not computed order by order."""
        partner = self.env["res.partner"].create({"name": "Rated Customer"})
        product = self.env["product.product"].create({"name": "Lamp", "list_price": 10})
        orders = self.env["sale.order"].create(
            [
                {"partner_id": partner.id, "order_line": [(0, 0, {"product_id": product.id})]}
                for _i in range(2)
            ]
        )
        Rating = self.env["rating.rating"].sudo()
        model_id = self.env["ir.model"]._get_id("sale.order")
        for value in (1, 5):  # the latest answer counts
            Rating.create(
                {
                    "res_model_id": model_id,
                    "res_id": orders[0].id,
                    "partner_id": partner.id,
                    "rating": value,
                    "consumed": True,
                }
            )
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE sale_order DROP COLUMN rating_last_value")
        queries = self.env.cr.sql_log_count
        self.env["sale.order"]._crm_ops_init_rating_column()
        self.assertLess(self.env.cr.sql_log_count - queries, 5, "no query per order")
        self.env.cr.execute(
            SQL(
                "SELECT id, rating_last_value FROM sale_order WHERE id IN %s ORDER BY id",
                tuple(orders.ids),
            )
        )
        self.assertEqual(self.env.cr.fetchall(), [(orders[0].id, 5.0), (orders[1].id, None)])
