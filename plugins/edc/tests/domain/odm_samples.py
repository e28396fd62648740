"""The ODM samples the ODM tests share: the public fixtures and a small hand-written file using
what the fixtures do not."""
from pathlib import Path

from plugins.edc.domain.odm import ODM_NS, read_odm, write_odm_file

#: the public CDISC ODM fixtures (odmlib, MIT), copied unchanged into the repository
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "odm"
NAMES = ["cdash-odm-test.xml", "cdash_odm_test_roundtrip.xml", "odm-data-snapshot.xml",
         "test_clinical_data_01.xml"]
NS = {"o": ODM_NS}
#: odmlib's own checker finds these in both CDASH files: the ItemDefs name 'CL.SEX' etc. but the
#: code lists are 'ODM.CL.SEX' etc.
CDASH_DANGLING = {("ODM.IT.DM.SEX", "CL.SEX"), ("ODM.IT.DM.ETHNIC", "CL.ETHNIC.SUBSET.ETHNIC"),
                  ("ODM.IT.DM.RACE", "CL.RACE")}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def rewrite(data: bytes) -> bytes:
    return write_odm_file(read_odm(data), check=False)


# -- a small hand-written file using what the fixtures do not --------------------------------------
SMALL = """<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:to="https://trialoffice.example/odm/1"
     FileOID="F.1" FileType="Snapshot" CreationDateTime="2026-01-02T03:04:05" ODMVersion="1.3.2">
  <Study OID="S.1">
    <GlobalVariables><StudyName>Small</StudyName><StudyDescription>d</StudyDescription>
      <ProtocolName>P-1</ProtocolName></GlobalVariables>
    <BasicDefinitions>
      <MeasurementUnit OID="MU.KG" Name="kg"><Symbol><TranslatedText>kg</TranslatedText></Symbol></MeasurementUnit>
    </BasicDefinitions>
    <MetaDataVersion OID="V.1" Name="v1">
      <Protocol><StudyEventRef StudyEventOID="SE.BASE" Mandatory="Yes" OrderNumber="1"/></Protocol>
      <StudyEventDef OID="SE.BASE" Name="Baseline" Repeating="No" Type="Scheduled">
        <FormRef FormOID="F.VS" Mandatory="Yes"/></StudyEventDef>
      <FormDef OID="F.VS" Name="Vitals" Repeating="No">
        <ItemGroupRef ItemGroupOID="IG.VS" Mandatory="Yes"/></FormDef>
      <ItemGroupDef OID="IG.VS" Name="Vitals" Repeating="Yes" Comment="kept">
        <ItemRef ItemOID="IT.WEIGHT" Mandatory="Yes" OrderNumber="1"/>
        <ItemRef ItemOID="IT.HEIGHT" Mandatory="No" OrderNumber="2"/>
        <ItemRef ItemOID="IT.BMI" Mandatory="No" MethodOID="MT.BMI" CollectionExceptionConditionOID="C.NOH"/>
        <ItemRef ItemOID="IT.SYMPT" Mandatory="No"/>
        <ItemRef ItemOID="IT.NOTE" Mandatory="No"/>
      </ItemGroupDef>
      <ItemDef OID="IT.WEIGHT" Name="Weight" DataType="float" SignificantDigits="1" Length="5" SASFieldName="WEIGHT">
        <Question><TranslatedText xml:lang="en">Weight?</TranslatedText>
          <TranslatedText xml:lang="de">Gewicht?</TranslatedText></Question>
        <MeasurementUnitRef MeasurementUnitOID="MU.KG"/>
        <RangeCheck Comparator="GE" SoftHard="Soft"><CheckValue>20</CheckValue>
          <ErrorMessage><TranslatedText xml:lang="en">Too light</TranslatedText></ErrorMessage></RangeCheck>
        <RangeCheck Comparator="IN" SoftHard="Hard"><CheckValue>1</CheckValue><CheckValue>2</CheckValue></RangeCheck>
        <Alias Context="SDTM" Name="VSORRES"/>
      </ItemDef>
      <ItemDef OID="IT.HEIGHT" Name="Height" DataType="integer" Origin="CRF"/>
      <ItemDef OID="IT.BMI" Name="BMI" DataType="double"/>
      <ItemDef OID="IT.SYMPT" Name="Symptoms" DataType="text" to:Control="checkbox" to:Variable="symptoms"
               to:Note="Tick all" to:SectionHeader="Symptoms" to:Identifier="Yes" to:Pattern="^[0-9]+$">
        <CodeListRef CodeListOID="CL.SYMPT"/></ItemDef>
      <ItemDef OID="IT.NOTE" Name="Note" DataType="text"><CodeListRef CodeListOID="CL.ENUM"/></ItemDef>
      <CodeList OID="CL.SYMPT" Name="Symptoms" DataType="integer">
        <CodeListItem CodedValue="1" OrderNumber="1"><Decode><TranslatedText>Fever</TranslatedText></Decode></CodeListItem>
        <CodeListItem CodedValue="2"><Decode><TranslatedText>Cough</TranslatedText></Decode></CodeListItem>
      </CodeList>
      <CodeList OID="CL.ENUM" Name="Enum" DataType="string">
        <EnumeratedItem CodedValue="A"/><EnumeratedItem CodedValue="B"/></CodeList>
      <ConditionDef OID="C.NOH" Name="No height">
        <Description><TranslatedText>no height</TranslatedText></Description>
        <FormalExpression Context="REDCap">[height] = ""</FormalExpression></ConditionDef>
      <MethodDef OID="MT.BMI" Name="BMI" Type="Computation">
        <Description><TranslatedText>bmi</TranslatedText></Description>
        <FormalExpression Context="REDCap">[weight]*10000/([height]*[height])</FormalExpression></MethodDef>
    </MetaDataVersion>
  </Study>
  <AdminData StudyOID="S.1">
    <User OID="U.1" UserType="Investigator"><FullName>Ann Smith</FullName><LocationRef LocationOID="L.1"/></User>
    <Location OID="L.1" Name="Site 1" LocationType="Site">
      <MetaDataVersionRef StudyOID="S.1" MetaDataVersionOID="V.1" EffectiveDate="2026-01-01"/></Location>
  </AdminData>
  <ClinicalData StudyOID="S.1" MetaDataVersionOID="V.1">
    <SubjectData SubjectKey="001"><SiteRef LocationOID="L.1"/>
      <StudyEventData StudyEventOID="SE.BASE"><FormData FormOID="F.VS">
        <ItemGroupData ItemGroupOID="IG.VS" ItemGroupRepeatKey="1">
          <ItemData ItemOID="IT.WEIGHT" Value="70.5"><MeasurementUnitRef MeasurementUnitOID="MU.KG"/></ItemData>
          <ItemData ItemOID="IT.HEIGHT" IsNull="Yes" to:NullFlavour="NASK"/>
          <ItemDataString ItemOID="IT.NOTE">A</ItemDataString>
        </ItemGroupData></FormData></StudyEventData>
    </SubjectData>
  </ClinicalData>
</ODM>
"""


