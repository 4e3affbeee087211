from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """What installing crm_analytics sets up for the nightly run and for several companies."""

    def test_nightly_cron_enqueues_on_the_crm_channel(self):
        cron = self.env.ref("crm_analytics.ir_cron_crm_analytics_recompute")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        # the channel the jobs name exists (else queue_job runs them in root, one at a time)
        channel = self.env.ref("crm_analytics.queue_channel_crm")
        self.assertEqual(channel.complete_name, "root.crm")
        with trap_jobs() as trap:
            # the cron's code as the scheduler runs it (a string: a renamed method fails here)
            cron.ir_actions_server_id.with_user(cron.user_id).run()
            self.assertEqual(len(trap.enqueued_jobs), 7 * self.env["res.company"].search_count([]))
            self.assertEqual({job.channel for job in trap.enqueued_jobs}, {"root.crm"})

    def test_every_company_model_has_a_company_rule(self):
        """A model of the addon with a company holds one company's figures: a global record
        rule keeps them to the user's companies (a new model without one fails here)."""
        models = [
            name
            for name, model in self.env.registry.items()
            if model._original_module == "crm_analytics"
            and not model._abstract
            and not model._transient
            and "company_id" in model._fields
        ]
        self.assertGreaterEqual(len(models), 8)
        for name in models:
            rules = self.env["ir.rule"].search(
                [("model_id.model", "=", name), ("global", "=", True)]
            )
            self.assertTrue(any("company_ids" in (rule.domain_force or "") for rule in rules), name)
