"""How every form of the site is drawn (docs/adr/0122-design-system.md): one field template,
one form template, one error summary.

A field shows its label above the input, then its help and its errors, both tied to the
input by aria-describedby (Django sets it, and aria-invalid on a field in error); a required
field says so in words. `{{ form }}`, `form.as_div` and `field.as_field_group` all use them.
"""

from django.forms.renderers import DjangoTemplates


class SiteFormRenderer(DjangoTemplates):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
