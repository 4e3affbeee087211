# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models
from odoo.exceptions import AccessError


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _collab_check_report_docs(self, report_ref, res_ids):
        """A share opens a record's named fields, not its documents: a report (the
        quotation PDF with every line and price, through ``/report/...``) renders the
        whole record, so the partner's users may not print the owner's shared records.
        Code printing as superuser (a mail template of the owner) is not concerned."""
        if self.env.su or self.env.user.share or not res_ids:
            return
        model_name = self._get_report(report_ref).model
        Model = self.env.get(model_name)
        if Model is None or "collab_shared" not in Model._fields:
            return
        ids = [res_ids] if isinstance(res_ids, int) else [int(i) for i in res_ids]
        if Model.browse(ids)._collab_foreign_ids():
            raise AccessError(
                _("Shared records of another company cannot be printed: ask their owner.")
            )

    @api.model
    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        self._collab_check_report_docs(report_ref, res_ids)
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    @api.model
    def _render_qweb_html(self, report_ref, docids, data=None):
        self._collab_check_report_docs(report_ref, docids)
        return super()._render_qweb_html(report_ref, docids, data=data)

    @api.model
    def _render_qweb_text(self, report_ref, docids, data=None):
        self._collab_check_report_docs(report_ref, docids)
        return super()._render_qweb_text(report_ref, docids, data=data)
