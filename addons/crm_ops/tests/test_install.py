from unittest.mock import patch

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """What installing crm_ops leaves in the database beside the ORM's tables: the match-key
    columns, indexes and lookup functions (made by init(), dropped by the uninstall hook), the
    keys of the partners that existed before (post_init_hook), and scheduled actions that run."""

    def _sql(self, query, *params):
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()

    def test_match_key_columns_indexes_and_lookup_functions(self):
        for table in ("res_partner", "crm_lead"):
            self.assertEqual(
                self._sql(
                    "SELECT udt_name FROM information_schema.columns"
                    " WHERE table_name = %s AND column_name = 'crm_ops_name_keys'",
                    table,
                ),
                [("_text",)],
                table,
            )
            indexdef = self._sql(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                table,
                "%USING gin (crm_ops_name_keys)%",
            )
            self.assertEqual(len(indexdef), 1, table)
            self.assertIn("WHERE active", indexdef[0][0], "only active rows are looked up")
            self.assertEqual(
                self._sql(
                    "SELECT pronargs, proretset FROM pg_proc WHERE proname = %s",
                    f"crm_ops_{table}_candidates",
                ),
                [(6, True)],
                table,
            )

    def test_partners_from_before_the_install_have_their_keys(self):
        # the partners base creates exist before crm_ops: post_init_hook filled their keys
        partners = self.env.ref("base.main_partner") | self.env.ref("base.partner_admin")
        partners |= self.env.ref("base.partner_root")
        rows = self._sql(
            "SELECT id, crm_ops_name_keys FROM res_partner WHERE id IN %s", partners._ids
        )
        self.assertEqual(len(rows), 3)
        for partner_id, keys in rows:
            self.assertTrue(keys, partner_id)
        # and none is left without keys (the ORM's create fills those made after)
        self.assertEqual(self.env["res.partner"]._crm_ops_recompute_match_keys(), 0)

    def test_scheduled_actions_run(self):
        """Each cron's code is a string evaluated at night: run it as the scheduler does
        (through its server action), so a renamed method fails here."""
        cron_ids = self.env["ir.model.data"].search(
            [("module", "=", "crm_ops"), ("model", "=", "ir.cron")]
        )
        crons = self.env["ir.cron"].browse(cron_ids.mapped("res_id"))
        self.assertTrue(crons)

        def commit_progress(cron_model, processed=0, **kw):
            return 1.0  # no commit inside a test (outside a cron run, Odoo's commits)

        for cron in crons:
            self.assertTrue(cron.active, cron.name)
            with patch.object(type(self.env["ir.cron"]), "_commit_progress", commit_progress):
                cron.ir_actions_server_id.with_user(cron.user_id).run()
