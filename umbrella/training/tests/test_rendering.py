"""Lesson Markdown is rendered and sanitised: no scripts, images or raw HTML survive."""

from umbrella.training.courses.rendering import render_markdown


def test_markdown_renders_the_allowed_elements():
    html = render_markdown(
        "### Title\n\nSome **bold**, *it* and [a law](https://www.ejustice.just.fgov.be/)."
        "\n\n- one\n- two"
    )
    assert "<h3>Title</h3>" in html
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html
    assert (
        '<a href="https://www.ejustice.just.fgov.be/" rel="noopener noreferrer">a law</a>' in html
    )
    assert "<ul>" in html and "<li>one</li>" in html


def test_raw_html_images_and_script_links_do_not_survive():
    html = render_markdown(
        "<script>alert(1)</script>\n\n![x](https://tracker.example/p.png)\n\n"
        "[click](javascript:alert(1))\n\n<img src=x onerror=alert(1)>"
    )
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "tracker.example" not in html
    # Raw HTML is shown as text, never as an element.
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
