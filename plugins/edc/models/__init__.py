"""edc's tables. A study is the record its sponsor shares (``STUDY``): its definition rows follow
the study to every grantee, its subject data only to the grantees of the subject's site."""
from .data import FormInstance, ItemValue, StudyEvent, Subject
from .quality import Query, QueryMessage, Rule
from .study import STUDY, MetadataVersion, Study, StudySite

__all__ = ["STUDY", "FormInstance", "ItemValue", "MetadataVersion", "Query", "QueryMessage", "Rule", "Study",
           "StudyEvent", "StudySite", "Subject"]
