/* Flow 1: a visitor submits the public lead form, a salesperson finds the lead in the pipeline. */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_ops_lead_form_tour", {
    url: "/crm/contact?utm_source=Tour%20Fair&utm_medium=Banner&utm_campaign=Tour%20Spring",
    steps: () => [
        {
            content: "The form keeps the campaign of the link",
            trigger: "form.crm_ops_lead_form:has(input[type=hidden][name=utm_campaign]:value(Tour Spring))",
        },
        {
            content: "Your name",
            trigger: "form.crm_ops_lead_form input[name=contact_name]",
            run: "edit Tina Tourist",
        },
        {
            content: "Company",
            trigger: "form.crm_ops_lead_form input[name=partner_name]",
            run: "edit Tourist Trips Ltd",
        },
        {
            content: "Email",
            trigger: "form.crm_ops_lead_form input[name=email]",
            run: "edit tina@tourist-trips.example.com",
        },
        {
            content: "Phone",
            trigger: "form.crm_ops_lead_form input[name=phone]",
            run: "edit +32 470 12 34 56",
        },
        {
            content: "Question",
            trigger: "form.crm_ops_lead_form textarea[name=description]",
            run: "edit We need 40 city bikes for our guests.",
        },
        {
            content: "Send the form",
            trigger: "form.crm_ops_lead_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The thank-you page is shown",
            trigger: "#wrap h1:contains(Thank you!)",
        },
    ],
});

registry.category("web_tour.tours").add("crm_ops_lead_pipeline_tour", {
    url: "/odoo/action-crm.crm_lead_action_pipeline",
    steps: () => [
        {
            content: "The pipeline is open",
            trigger: ".o_kanban_view .o_kanban_renderer",
        },
        {
            content: "Show every salesperson's opportunities (remove 'My Pipeline')",
            trigger: ".o_searchview_facet:contains(My Pipeline) .o_facet_remove",
            run: "click",
        },
        {
            content: "Search the company of the web form",
            trigger: ".o_searchview_input",
            run: "edit Tourist Trips",
        },
        {
            content: "Validate the search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the lead of the web form",
            trigger: ".o_kanban_record:contains(Tourist Trips Ltd)",
            run: "click",
        },
        {
            content: "The lead form shows the visitor's email",
            trigger: ".o_form_view .o_field_widget[name=email_from] input:value(tina@tourist-trips.example.com)",
        },
        {
            content: "Open the Contacts tab",
            trigger: ".o_notebook_headers a[name=lead]",
            run: "click",
        },
        {
            content: "The source of the link is kept",
            trigger: ".o_field_widget[name=source_id] input:value(Tour Fair)",
        },
        {
            content: "The campaign of the link is kept",
            trigger: ".o_field_widget[name=campaign_id] input:value(Tour Spring)",
        },
        {
            content: "Open the Capture tab",
            trigger: ".o_notebook_headers a[name=crm_ops_capture]",
            run: "click",
        },
        {
            content: "The lead came from the web form",
            trigger: ".o_field_widget[name=crm_ops_channel]:contains(Web Form)",
        },
    ],
});
