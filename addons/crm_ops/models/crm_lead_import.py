"""CSV / Excel import of leads: upload, map columns, preview, validate per row, run in chunks.

Each chunk of rows is captured by the same service as every channel, one savepoint
per row. Chunks of large files go to queue_job (channel root.crm) so several workers
share them; each chunk adds its counts with one UPDATE, so progress shows as it goes.
Rows that fail are kept with their error and can be downloaded back as CSV.
"""

import base64
import contextlib
import csv
import io
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .crm_lead import CAPTURE_FIELDS, CaptureError

_logger = logging.getLogger(__name__)

# rows captured by one job
IMPORT_CHUNK = 500
# files with more rows than this run in the background
BACKGROUND_ROWS = 1000
# rows shown in the preview
PREVIEW_ROWS = 5
ENCODINGS = ("utf-8-sig", "utf-16", "cp1252", "latin-1")

# header aliases recognised when mapping columns automatically
ALIASES = {
    "email": {"email", "e-mail", "mail", "correo", "email_from"},
    "phone": {"phone", "telephone", "tel", "mobile", "teléfono", "telefono"},
    "contact_name": {"contact", "contact_name", "name", "full name", "nombre"},
    "partner_name": {"company", "partner_name", "company name", "empresa", "organization"},
    "name": {"title", "subject", "opportunity", "lead"},
    "website": {"website", "web", "url", "site"},
    "description": {"description", "notes", "comment", "message"},
    "city": {"city", "ciudad"},
    "country_code": {"country", "country_code", "país"},
}


def is_filled(row):
    return any(cell.strip() for cell in row)


def count_rows(rows):
    return sum(1 for row in rows if is_filled(row))


def target_selection():
    return [("", "Do not import")] + [
        (key, key.replace("_", " ").capitalize())
        for key, kind in CAPTURE_FIELDS.items()
        if kind in ("text", "html", "float", "selection")
    ]


class CrmLeadImport(models.Model):
    _name = "crm.lead.import"
    _description = "Lead Import"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    file = fields.Binary(attachment=True, required=True)
    filename = fields.Char()
    encoding = fields.Char(readonly=True)
    state = fields.Selection(
        [("draft", "Upload"), ("mapped", "Map Columns"), ("running", "Running"), ("done", "Done")],
        default="draft",
        required=True,
        tracking=True,
    )
    column_ids = fields.One2many("crm.lead.import.column", "import_id", string="Columns")
    preview_html = fields.Html(compute="_compute_preview_html", sanitize=True)
    row_count = fields.Integer(string="Rows", readonly=True)
    processed_count = fields.Integer(string="Processed", readonly=True)
    created_count = fields.Integer(string="New", readonly=True)
    linked_count = fields.Integer(string="Linked to Customers", readonly=True)
    merged_count = fields.Integer(string="Merged", readonly=True)
    error_count = fields.Integer(string="Errors", readonly=True)
    progress = fields.Float(compute="_compute_progress")
    error_ids = fields.One2many("crm.lead.import.error", "import_id", string="Rejected Rows")
    error_file = fields.Binary(compute="_compute_error_file", string="Rejected Rows File")
    error_filename = fields.Char(compute="_compute_error_file")

    @api.depends("filename", "create_date")
    def _compute_name(self):
        for rec in self:
            rec.name = rec.filename or _("Lead import")

    @api.depends("processed_count", "row_count")
    def _compute_progress(self):
        for rec in self:
            rec.progress = 100.0 * rec.processed_count / rec.row_count if rec.row_count else 0.0

    # ------------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------------
    def _read_rows(self):
        """Header and rows of the file as lists of strings; a clear UserError if unreadable."""
        self.ensure_one()
        data = base64.b64decode(self.file or b"")
        name = (self.filename or "").lower()
        if name.endswith((".xlsx", ".xlsm")):
            return self._read_xlsx(data)
        for encoding in ENCODINGS:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" in text:
                continue
            self.encoding = encoding
            break
        else:
            raise UserError(_("The file could not be decoded: save it as UTF-8 CSV."))
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        # blank lines stay in the list so that row numbers are the file's line numbers
        rows = list(csv.reader(io.StringIO(text), dialect))
        if not any(any(c.strip() for c in row) for row in rows):
            raise UserError(_("The file is empty."))
        return rows[0], rows[1:]

    def _read_xlsx(self, data):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as e:
            raise UserError(_("The Excel file could not be read: %s", e)) from e
        sheet = book.worksheets[0]
        rows = [
            ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
        ]
        self.encoding = "xlsx"
        if not any(any(c.strip() for c in row) for row in rows):
            raise UserError(_("The file is empty."))
        return rows[0], rows[1:]

    def action_load(self):
        """Read the header, guess the mapping and show the preview."""
        for rec in self:
            header, rows = rec._read_rows()
            used = set()
            columns = []
            for index, title in enumerate(header):
                key = title.strip().lower()
                target = next(
                    (t for t, names in ALIASES.items() if key in names and t not in used), ""
                )
                used.add(target)
                sample = next((r[index] for r in rows if index < len(r) and r[index]), "")
                columns.append(
                    {
                        "sequence": index,
                        "column": title.strip() or f"#{index + 1}",
                        "sample": sample[:100],
                        "target": target,
                    }
                )
            rec.column_ids.unlink()
            rec.write(
                {
                    "column_ids": [fields.Command.create(c) for c in columns],
                    "row_count": count_rows(rows),
                    "state": "mapped",
                }
            )
        return True

    @api.depends("column_ids.target", "file")
    def _compute_preview_html(self):
        for rec in self:
            if rec.state != "mapped" or not rec.file:
                rec.preview_html = False
                continue
            try:
                __, rows = rec._read_rows()
            except UserError as e:
                rec.preview_html = f"<p>{e}</p>"
                continue
            mapped = rec.column_ids.filtered("target").sorted("sequence")
            head = "".join(f"<th>{c.target}</th>" for c in mapped)
            body = "".join(
                "<tr>"
                + "".join(
                    f"<td>{row[c.sequence] if c.sequence < len(row) else ''}</td>" for c in mapped
                )
                + "</tr>"
                for row in rows[:PREVIEW_ROWS]
            )
            rec.preview_html = (
                f'<table class="table table-sm"><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>"
            )

    # ------------------------------------------------------------------
    # Running
    # ------------------------------------------------------------------
    def action_import(self):
        self.ensure_one()
        if self.state != "mapped":
            raise UserError(_("Load the file and map its columns first."))
        targets = self.column_ids.filtered("target").mapped("target")
        if len(targets) != len(set(targets)):
            raise UserError(_("Two columns are mapped to the same field."))
        if not {"email", "phone"} & set(targets):
            raise UserError(_("Map a column to email or phone."))
        __, rows = self._read_rows()
        self.write(
            {
                "state": "running",
                "row_count": count_rows(rows),
                "processed_count": 0,
                "created_count": 0,
                "linked_count": 0,
                "merged_count": 0,
                "error_count": 0,
            }
        )
        self.error_ids.unlink()
        background = len(rows) > BACKGROUND_ROWS and not self.env.context.get("crm_ops_sync")
        for start in range(0, len(rows), IMPORT_CHUNK):
            if background:
                self.with_delay(
                    channel="root.crm",
                    description=_(
                        "Lead import %(name)s, rows from %(row)s", name=self.name, row=start + 1
                    ),
                )._import_chunk(start)
            else:
                self._import_chunk(start)
        return True

    def _import_chunk(self, start):
        """Capture rows [start, start + IMPORT_CHUNK) and add the counts in one UPDATE."""
        self.ensure_one()
        __, rows = self._read_rows()
        mapping = [(c.sequence, c.target) for c in self.column_ids if c.target]
        Lead = self.env["crm.lead"].with_company(self.company_id)
        counts = {"created": 0, "linked": 0, "merged": 0, "duplicate_request": 0, "error": 0}
        errors = []
        for number, row in enumerate(rows[start : start + IMPORT_CHUNK], start=start + 2):
            if not is_filled(row):
                continue
            values = {t: row[i].strip() for i, t in mapping if i < len(row) and row[i].strip()}
            if "expected_revenue" in values:
                with contextlib.suppress(ValueError):  # left as text: capture reports it
                    values["expected_revenue"] = float(values["expected_revenue"].replace(",", "."))
            values["company_id"] = self.company_id.id
            try:
                with self.env.cr.savepoint():
                    result = Lead._crm_ops_capture(values, "import")
                counts[result["status"]] += 1
            except CaptureError as e:
                counts["error"] += 1
                errors.append(
                    {
                        "import_id": self.id,
                        "row_number": number,
                        "raw": ",".join(row)[:2000],
                        "message": "; ".join(f"{k}: {v}" for k, v in e.errors.items()),
                    }
                )
        if errors:
            self.env["crm.lead.import.error"].create(errors)
        done = sum(counts.values())
        self.flush_recordset()
        self.env.cr.execute(
            """UPDATE crm_lead_import SET processed_count = processed_count + %s,
                      created_count = created_count + %s, linked_count = linked_count + %s,
                      merged_count = merged_count + %s, error_count = error_count + %s,
                      state = CASE WHEN processed_count + %s >= row_count THEN 'done'
                                   ELSE state END
                WHERE id = %s""",
            [
                done,
                counts["created"] + counts["duplicate_request"],
                counts["linked"],
                counts["merged"],
                counts["error"],
                done,
                self.id,
            ],
        )
        self.invalidate_recordset()
        return counts

    @api.depends("error_ids")
    def _compute_error_file(self):
        for rec in self:
            if not rec.error_ids:
                rec.error_file = False
                rec.error_filename = False
                continue
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["row", "error", "line"])
            for err in rec.error_ids.sorted("row_number"):
                writer.writerow([err.row_number, err.message, err.raw])
            rec.error_file = base64.b64encode(out.getvalue().encode("utf-8"))
            rec.error_filename = f"rejected-{rec.filename or 'rows'}.csv".replace(
                ".csv.csv", ".csv"
            )

    def action_download_errors(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/crm.lead.import/{self.id}/error_file/{self.error_filename}"
            "?download=true",
            "target": "self",
        }
