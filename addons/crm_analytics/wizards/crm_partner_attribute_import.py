# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io

from odoo import fields, models
from odoo.exceptions import UserError

# Attribute rows written per create/write batch.
IMPORT_BATCH_STEP = 1000
MATCH_COLUMNS = ("id", "ref", "email")


class CrmPartnerAttributeImport(models.TransientModel):
    """Import per-customer attributes from a CSV file.

    The first column identifying the customer (``id``, ``ref`` or ``email``,
    chosen by ``match_by``) is used; every other column becomes an attribute
    (numeric when the value parses as a number).
    """

    _name = "crm.partner.attribute.import"
    _description = "Import customer attributes"

    file = fields.Binary(string="CSV file", required=True)
    filename = fields.Char()
    match_by = fields.Selection(
        [("id", "Database ID"), ("ref", "Reference"), ("email", "Email")],
        required=True,
        default="ref",
        help="Column of the file identifying the customer (its header must be id, ref or email).",
    )
    delimiter = fields.Char(default=",", required=True, size=1)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    imported_count = fields.Integer(readonly=True)
    error_count = fields.Integer(readonly=True)
    result = fields.Text(readonly=True)

    def _read_rows(self):
        raw = base64.b64decode(self.file or b"")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        reader = csv.DictReader(io.StringIO(text), delimiter=self.delimiter or ",")
        if not reader.fieldnames:
            raise UserError(self.env._("The file is empty."))
        fieldnames = [(name or "").strip() for name in reader.fieldnames]
        if self.match_by not in fieldnames:
            raise UserError(
                self.env._(
                    "The file has no column %(col)s (columns: %(cols)s).",
                    col=self.match_by,
                    cols=", ".join(fieldnames),
                )
            )
        reader.fieldnames = fieldnames
        return fieldnames, list(reader)

    def _match_partners(self, keys):
        Partner = self.env["res.partner"]
        if self.match_by == "id":
            ids = [int(k) for k in keys if k.isdigit()]
            partners = Partner.search([("id", "in", ids)])
            return {str(p.id): p.id for p in partners}
        if self.match_by == "ref":
            partners = Partner.search([("ref", "in", list(keys))])
            return {p.ref: p.id for p in partners}
        normalized = {k.strip().lower() for k in keys}
        partners = Partner.search([("email_normalized", "in", list(normalized))], order="id desc")
        return {p.email_normalized: p.id for p in partners}

    def action_import(self):
        self.ensure_one()
        fieldnames, rows = self._read_rows()
        attributes = [c for c in fieldnames if c and c not in MATCH_COLUMNS]
        if not attributes:
            raise UserError(self.env._("The file has no attribute column."))
        keys = {(row.get(self.match_by) or "").strip() for row in rows}
        keys.discard("")
        if self.match_by == "email":
            keys = {k.lower() for k in keys}
        partner_by_key = self._match_partners(keys)
        errors = []
        values = {}  # (partner_id, key) -> (float or None, char)
        for line_no, row in enumerate(rows, start=2):
            key = (row.get(self.match_by) or "").strip()
            if self.match_by == "email":
                key = key.lower()
            partner_id = partner_by_key.get(key)
            if not key:
                errors.append(
                    self.env._("Line %(line)s: no %(col)s.", line=line_no, col=self.match_by)
                )
                continue
            if not partner_id:
                errors.append(
                    self.env._(
                        "Line %(line)s: no customer with %(col)s %(key)s.",
                        line=line_no,
                        col=self.match_by,
                        key=key,
                    )
                )
                continue
            for attribute in attributes:
                raw = (row.get(attribute) or "").strip()
                if raw == "":
                    continue
                try:
                    number = float(raw.replace(",", ".")) if raw.count(",") <= 1 else None
                except ValueError:
                    number = None
                values[(partner_id, attribute)] = (number, raw)
        Attribute = self.env["crm.partner.attribute"]
        existing = Attribute.search(
            [
                ("company_id", "=", self.company_id.id),
                ("partner_id", "in", list({p for p, _k in values})),
                ("key", "in", attributes),
            ]
        )
        by_key = {(a.partner_id.id, a.key): a for a in existing}
        source = self.filename or self.env._("CSV import")
        to_create = []
        for (partner_id, attribute), (number, raw) in values.items():
            vals = {
                "value_float": number if number is not None else False,
                "value_char": raw,
                "source": source,
            }
            record = by_key.get((partner_id, attribute))
            if record:
                record.write(vals)
            else:
                to_create.append(
                    dict(vals, partner_id=partner_id, key=attribute, company_id=self.company_id.id)
                )
        for start in range(0, len(to_create), IMPORT_BATCH_STEP):
            Attribute.create(to_create[start : start + IMPORT_BATCH_STEP])
        self.write(
            {
                "state": "done",
                "imported_count": len(values),
                "error_count": len(errors),
                "result": "\n".join(errors) or self.env._("All rows imported."),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
