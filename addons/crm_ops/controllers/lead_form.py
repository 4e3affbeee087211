"""Public web form that captures a lead through the same service as every channel."""

import logging

from odoo import http
from odoo.http import request

from ..models.crm_lead import CaptureError

_logger = logging.getLogger(__name__)

FORM_FIELDS = ("contact_name", "partner_name", "email", "phone", "website", "description")
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign")
# the honeypot: hidden from people by CSS, filled in by bots
HONEYPOT = "fax_number"


class CrmLeadForm(http.Controller):
    @http.route("/crm/contact", type="http", auth="public", website=True, sitemap=True)
    def contact_form(self, **kw):
        values = {"errors": {}, "values": {}, **{k: kw.get(k, "")[:100] for k in UTM_FIELDS}}
        return request.render("crm_ops.lead_form_page", values)

    @http.route("/crm/contact/submit", type="http", auth="public", website=True, methods=["POST"])
    def contact_submit(self, **post):
        if post.get(HONEYPOT):
            _logger.info("crm_ops web form: honeypot filled, submission ignored")
            return request.redirect("/crm/contact/thanks")
        company = request.website.company_id
        ip = request.httprequest.remote_addr or "unknown"
        retry = (
            request.env["crm.ops.rate.limit"]
            .sudo()
            ._hit(f"form:{ip}", company.crm_ops_form_rate_limit, 3600)
        )
        if retry:
            return request.render(
                "crm_ops.lead_form_page",
                {
                    "errors": {"_": "Too many submissions from your address: try again later."},
                    "values": post,
                    **{k: post.get(k, "") for k in UTM_FIELDS},
                },
                status=429,
            )
        values = {k: post[k].strip() for k in FORM_FIELDS if post.get(k, "").strip()}
        values.update({k: post[k][:100] for k in UTM_FIELDS if post.get(k)})
        values["name"] = values.get("partner_name") or values.get("contact_name") or ""
        values["company_id"] = company.id
        # public visitors may not create leads: the form writes as superuser, in the
        # website's company, and answers with a thank-you page that shows nothing stored
        # the website's sales team and salesperson (website_crm settings)
        for key, record in (
            ("team_id", request.website.crm_default_team_id),
            ("user_id", request.website.crm_default_user_id),
        ):
            if record:
                values[key] = record.id
        Lead = request.env["crm.lead"].sudo().with_company(company)
        try:
            with request.env.cr.savepoint():
                Lead._crm_ops_capture(values, "web_form")
        except CaptureError as e:
            return request.render(
                "crm_ops.lead_form_page",
                {"errors": e.errors, "values": post, **{k: post.get(k, "") for k in UTM_FIELDS}},
                status=400,
            )
        return request.redirect("/crm/contact/thanks")

    @http.route("/crm/contact/thanks", type="http", auth="public", website=True, sitemap=False)
    def contact_thanks(self, **kw):
        return request.render("crm_ops.lead_form_thanks")
