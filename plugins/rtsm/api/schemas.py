"""The bodies of rtsm's study, randomization and unblinding API (marshmallow): shapes only. The
rules (a ratio's range, block sizes that are multiples of the ratio sum, factor levels, a reason's
length) are the services', so the API and the pages say the same words and name every problem.
No answer schema of a blinded caller holds an arm: ``arm`` and ``arm_name`` are optional and
present only for the unblinded."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from ..domain.simulation import MAX_SUBJECTS, MAX_TRIALS
from ..models import SCHEME_TYPES


class Strict(Schema):
    class Meta:
        unknown = RAISE


class ArmIn(Strict):
    code = fields.String(required=True, metadata={"description": "A short code, e.g. A (at most 20 characters)"})
    name = fields.String(required=True, metadata={"description": "The treatment, e.g. Cardiozol 10 mg"})
    ratio = fields.Integer(required=True, strict=True, metadata={"description": "Its share of the allocation "
                                                                                 "ratio, 1 to 20 (2 in 2:1)"})


class SchemeIn(Strict):
    type = fields.String(required=True, metadata={"description": ", ".join(SCHEME_TYPES)})
    block_sizes = fields.List(fields.Integer(strict=True), metadata={
        "description": "Block schemes: the sizes drawn at random, each a multiple of the ratio sum"})
    strata = fields.List(fields.String(), metadata={"description": 'stratified_block: "site" and/or factor names'})
    factors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), metadata={
        "description": 'Factor -> levels, e.g. {"sex": ["F", "M"]}; minimization may use {"site": []}'})
    weights = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={
        "description": "minimization: factor -> weight (default 1)"})
    p = fields.Float(metadata={"description": "minimization: probability of the preferred arm, 0.5 to 1 (0.8)"})
    imbalance = fields.String(metadata={"description": "minimization: range (default) or variance"})
    list_length = fields.Integer(strict=True, metadata={"description": "List schemes: entries generated per "
                                                                       "stratum at a time (200)"})


SITE_ENTRY = {"description": 'A site code ("S01") or {"code", "name"}'}


class StudyIn(Strict):
    name = fields.String(required=True, metadata={"description": "Unique in the organization, at most 200 characters"})
    protocol = fields.String(metadata={"description": "The protocol number; EDC enrollments match it"})
    arms = fields.List(fields.Nested(ArmIn), required=True)
    sites = fields.List(fields.Raw(metadata=SITE_ENTRY), required=True)
    scheme = fields.Nested(SchemeIn, required=True)
    randomize_on_enrollment = fields.Boolean(metadata={
        "description": "Randomize subjects edc enrolls (schemes needing no factor but the site)"})
    depots = fields.List(fields.Raw(metadata=SITE_ENTRY), metadata={"description": "Default: D01 Central depot"})


class ArmOut(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    ratio = fields.Integer(required=True)


class SiteOut(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)


class SchemeOut(Schema):
    version = fields.Integer(required=True)
    type = fields.String(required=True)
    ratio = fields.String(required=True, metadata={"description": "e.g. 2:1"})
    strata = fields.List(fields.String(), required=True)
    factors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)
    randomized = fields.Integer(required=True, metadata={"description": "Subjects randomized under this version"})
    block_sizes = fields.List(fields.Integer(), metadata={"description": "Unblinded callers only"})
    list_sha256 = fields.String(metadata={"description": "Unblinded callers only: the lists' fingerprint"})


class StudyOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    protocol = fields.String(required=True)
    own = fields.Boolean(required=True, metadata={"description": "False: shared with this organization"})
    randomize_on_enrollment = fields.Boolean(required=True)


class StudyDetail(StudyOut):
    arms = fields.List(fields.Nested(ArmOut), required=True)
    sites = fields.List(fields.Nested(SiteOut), required=True, metadata={
        "description": "The sites this organization sees (one for a site organization)"})
    scheme = fields.Nested(SchemeOut, required=True)


class StudyList(Schema):
    studies = fields.List(fields.Nested(StudyOut), required=True)


class RandomizeIn(Strict):
    subject = fields.String(required=True, metadata={"description": "The subject's identifier (at most 60)"})
    site = fields.String(required=True, metadata={"description": "The site code, one where you may randomize"})
    factors = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict, metadata={
        "description": 'The stratification factors, e.g. {"sex": "F"}'})
    eligible = fields.Boolean(load_default=True, metadata={
        "description": "The caller confirms the subject meets every inclusion criterion and no exclusion "
                       "criterion (true when omitted; false is refused)"})


class AllocationOut(Schema):
    subject = fields.String(required=True)
    sequence = fields.Integer(required=True, metadata={"description": "The study-wide randomization number"})
    site = fields.String(required=True)
    kit = fields.String(required=True, allow_none=True, metadata={"description": "Null: the study has no kit list"})
    randomized_at = fields.DateTime(required=True)
    source = fields.String(required=True, metadata={"description": "page, api or edc"})
    arm = fields.String(metadata={"description": "Unblinded callers only"})
    arm_name = fields.String(metadata={"description": "Unblinded callers only"})


class AllocationRow(AllocationOut):
    stratum = fields.String(required=True)
    arm = fields.String(required=True)
    arm_name = fields.String(required=True)


class AllocationList(Schema):
    allocations = fields.List(fields.Nested(AllocationRow), required=True)


class UnblindingIn(Strict):
    subject = fields.String(required=True)
    reason = fields.String(required=True, metadata={"description": "The medical reason (at least 10 characters)"})
    password = fields.String(required=True, metadata={"description": "Your password: you sign the unblinding"})
    email = fields.String(metadata={"description": "Your email (default: the token's user)"})


class UnblindingOut(Schema):
    id = fields.Integer(required=True)
    subject = fields.String(required=True)
    arm = fields.String(required=True)
    arm_name = fields.String(required=True)
    reason = fields.String(required=True)
    unblinded_by = fields.String(required=True)
    unblinded_at = fields.DateTime(required=True)


class SimulationQuery(Strict):
    subjects = fields.Integer(load_default=200, validate=validate.Range(1, MAX_SUBJECTS))
    trials = fields.Integer(load_default=50, validate=validate.Range(1, MAX_TRIALS))


class SimulationOut(Schema):
    subjects = fields.Integer(required=True)
    trials = fields.Integer(required=True)
    totals = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, metadata={
        "description": "Arm -> simulated subjects over all trials"})
    factor_imbalance = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    final_imbalances = fields.List(fields.Float(), required=True)
    progression = fields.List(fields.List(fields.Float()), required=True, metadata={
        "description": "[subjects, mean overall imbalance] points"})
    marginal_progression = fields.List(fields.List(fields.Float()), required=True)
    median_imbalance = fields.Float(required=True, allow_none=True)
    p95_imbalance = fields.Float(required=True, allow_none=True)
