"""The risk questionnaire through the API: scoring, the question-5 override, 12 months' validity."""


def test_seeded_profiles(api):
    c001 = api.get("C001", "/risk-profile").json()
    assert (c001["level"], c001["name_zh"], c001["max_product_risk"], c001["valid_until"],
            c001["valid"]) == ("C3", "平衡型", "R3", "2027-03-01", True)
    assert api.get("C003", "/risk-profile").json()["valid_until"] == "2027-08-20"
    assert api.get("C002", "/risk-profile").json() == {
        "level": None, "name_zh": None, "name_en": None, "max_product_risk": None, "score": None,
        "assessed_on": None, "valid_until": None, "valid": False}


def test_taking_the_assessment_stores_level_and_validity(api):
    response = api.put("C002", "/risk-profile", {"answers": list("DCCCBBB")})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "level": "C3", "name_zh": "平衡型", "name_en": "Balanced", "max_product_risk": "R3",
        "score": 19, "assessed_on": "2026-11-26", "valid_until": "2027-11-26", "valid": True}
    assert api.get("C002", "/risk-profile").json()["level"] == "C3"
    buy = api.post("C002", "/orders", {"side": "buy", "product_code": "WM004", "amount": "100"})
    assert buy.status_code == 201, buy.text


def test_no_loss_accepted_makes_the_level_c1(api):
    body = api.put("C003", "/risk-profile", {"answers": list("DDDDADD")}).json()
    assert (body["level"], body["name_zh"], body["score"]) == ("C1", "保守型", 25)
    refused = api.post("C003", "/orders", {"side": "buy", "product_code": "WM002",
                                           "amount": "1000"})
    body = api.refused(refused, 422, "above_risk_level")
    assert [p["code"] for p in body["alternatives"]] == ["WM001"]


def test_answers_must_be_seven_of_a_to_d(api):
    api.refused(api.put("C002", "/risk-profile", {"answers": list("ABCDAB")}), 400,
                "invalid_request")
    api.refused(api.put("C002", "/risk-profile", {"answers": list("ABCDABE")}), 400,
                "invalid_request")
    api.refused(api.put("C002", "/risk-profile", {}), 400, "invalid_request")
    assert api.get("C002", "/risk-profile").json()["level"] is None
