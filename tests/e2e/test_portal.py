import time
def test_probe(page, portal):
    t=time.time()
    page.goto(portal + "/search/?q=社保")
    print("load", time.time()-t)
    print(page.locator("ol.item-list li a").all_inner_texts())
    page.goto(portal + "/")
    print(page.get_by_role("textbox").count(), page.get_by_role("searchbox").count())
    print(page.locator(".theme-grid a").all_inner_texts())
    page.goto(portal + "/departments/")
    print(page.locator("tbody tr").count(), page.locator("ul.item-list li").count())
