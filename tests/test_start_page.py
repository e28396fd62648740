"""The start page a visitor sees: the tools that exist, and the others as coming."""
import re


def test_the_start_page_describes_the_tools_that_exist_and_lists_the_others_as_coming(make_app):
    app = make_app(plugins=["site_select", "edc"])
    html = app.test_client().get("/").get_data(as_text=True)
    available = html.split('id="available-tools"')[1].split("</ul>")[0]
    coming = html.split('id="coming-tools"')[1].split("</ul>")[0]
    assert 'data-tool="site_select"' in available and 'data-tool="edc"' in available
    assert {"rtsm", "edocs", "pmcp"} == set(re.findall(r'data-tool="(\w+)"', coming)), "edc exists: not coming"
    assert "Coming" in coming
