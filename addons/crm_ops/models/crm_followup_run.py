# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmFollowupRun(models.Model):
    _name = "crm.followup.run"
    _description = "Follow-up Execution Run"
    _order = "id desc"

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------
    name = fields.Char(compute="_compute_name")
    start_date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    end_date = fields.Datetime(readonly=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done")], default="running", required=True, readonly=True
    )
    item_ids = fields.One2many("crm.followup.item", "run_id", string="Follow-ups", readonly=True)
    done_count = fields.Integer(readonly=True)
    failed_count = fields.Integer(string="Errors", readonly=True)
    cancelled_count = fields.Integer(string="Skipped", readonly=True)

    def _compute_name(self):
        for run in self:
            run.name = self.env._("Run %(id)s", id=run.id)

    def _refresh_counts(self):
        data = self.env["crm.followup.item"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
        )
        counts = {(run.id, state): count for run, state, count in data}
        for run in self:
            run.write(
                {
                    "done_count": counts.get((run.id, "done"), 0),
                    "failed_count": counts.get((run.id, "failed"), 0)
                    + counts.get((run.id, "pending"), 0),
                    "cancelled_count": counts.get((run.id, "cancelled"), 0),
                }
            )

    def _finish(self):
        self._refresh_counts()
        self.write({"state": "done", "end_date": fields.Datetime.now()})

    def action_view_items(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm_ops.crm_followup_item_action")
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {}
        return action
