/* Flow 3: a customer answers the satisfaction request of an order (public page, no login).
   The test opens the link of the request's mail, which leads to Odoo's rating page. */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_ops_satisfaction_tour", {
    steps: () => [
        {
            content: "Choose the unhappy face",
            trigger: ".o_rating_page_submit label[for=rate_1]",
            run: "click",
        },
        {
            content: "Tell what went wrong",
            trigger: ".o_rating_page_submit textarea[name=feedback]",
            run: "edit The lamp arrived with a broken shade.",
        },
        {
            content: "Ask for a complaint to be filed",
            trigger: ".o_rating_page_submit input[name=complaint]",
            run: "click",
        },
        {
            content: "Send the answer",
            trigger: ".o_rating_page_submit button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The customer is thanked",
            trigger: ".o_rating_page_thank_you:contains(Thank you for your feedback)",
        },
    ],
});
