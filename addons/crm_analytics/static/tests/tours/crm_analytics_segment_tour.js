/* Flow 4: a sales manager opens the segments dashboard, drills into one segment and
   addresses a mailing to its customers. */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_analytics_segment_tour", {
    url: "/odoo/action-crm_analytics.crm_customer_metric_action_segments",
    steps: () => [
        {
            content: "The segments dashboard opens on its chart",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
        {
            content: "Switch to the pivot table",
            trigger: ".o_control_panel .o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "Every segment has its row",
            trigger: ".o_pivot table:has(th:contains(Champions)):has(th:contains(At risk))",
        },
        {
            content: "Open the customers of the Champions segment",
            trigger: ".o_pivot tr:has(th:contains(Champions)) td.o_pivot_cell_value:first",
            run: "click",
        },
        {
            content: "The list shows the champions only",
            trigger: ".o_list_view .o_data_row:contains(Tour Champion 1)",
        },
        {
            content: "No customer of another segment is listed",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Tour Sleeper)))",
        },
        {
            content: "Select the whole segment",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Address a mailing to them",
            trigger: ".o_control_panel button[name=action_create_mailing]",
            run: "click",
        },
        {
            content: "The mailing is prepared for the segment",
            trigger: ".o_form_view .o_field_widget[name=subject] input:value(Offer for Champions)",
        },
    ],
});
