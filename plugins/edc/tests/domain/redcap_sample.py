"""A realistic REDCap data dictionary, quoted as REDCap's own export quotes it (a cell with a
space, comma, quote or line break is quoted; others are not), over three forms."""

HEADER = (
    '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
    '"Choices, Calculations, OR Slider Labels","Field Note",'
    '"Text Validation Type OR Show Slider Number","Text Validation Min","Text Validation Max",'
    'Identifier?,"Branching Logic (Show field only if...)","Required Field?","Custom Alignment",'
    '"Question Number (surveys only)","Matrix Group Name","Matrix Ranking?","Field Annotation"\n'
)

ROWS = """\
record_id,enrolment,,text,"Record ID",,,,,,,,,,,,,
consent_date,enrolment,<h4>Consent</h4>,text,"Date of consent",,Y-M-D,date_ymd,2020-01-01,today,,,y,,,,,
initials,enrolment,,text,Initials,,,alpha_only,,,y,,y,,,,,@NOMISSING
dob,enrolment,Demographics,text,"Date of birth",,,date_mdy,1900-01-01,today,y,,y,,,,,
sex,enrolment,,radio,Sex,"1, Male | 2, Female",,,,,,,y,RH,,,,
pregnant,enrolment,,yesno,"Currently pregnant?",,,,,,,"[sex] = '2'",y,,,,,
email,enrolment,,text,"Contact e-mail",,,email,,,y,,,,,,,"@HIDDEN-SURVEY @NOMISSING"
race,enrolment,,checkbox,"Race (tick all that apply)","1, White | 2, Black or African American | 3, Asian | 98, Other",,,,,,,,LV,,,,
race_other,enrolment,,text,"Other race, please specify",,,,,,,"[race(98)] = '1'",,,,,,
comments,enrolment,,notes,Comments,,"Anything the site wants to note",,,,,,,,,,,
visit_date,vitals,,text,"Visit date",,,date_dmy,2020-01-01,2030-12-31,,,y,,,,,
visit_time,vitals,,text,"Visit time",,,time,07:00,20:00,,,,,,,,
weight,vitals,"Body measurements",text,"Weight (kg)",,kg,number_1dp,30,250,,,y,,1,,,
height,vitals,,text,"Height (cm)",,cm,integer,100,230,,,y,,2,,,
bmi,vitals,,calc,"BMI (kg/m2)","round([weight]*10000/([height]*[height]),1)",,,,,,,,,,,,@READONLY
sbp,vitals,,text,"Systolic BP",,mmHg,integer,80,220,,,y,,,,,
dbp,vitals,,text,"Diastolic BP",,mmHg,integer,40,130,,"[sbp] <> ''",,,,,,
smoker,vitals,Lifestyle,dropdown,"Smoking status","0, Never | 1, Former | 2, Current",,,,,,,,,,,,
cig_per_day,vitals,,text,"Cigarettes per day",,,integer,0,,,"[smoker] = '2'",,,,,,
vitals_note,vitals,,descriptive,"<b>Check the cuff size</b>
before measuring.",,,,,,,,,,,,,
lab_date,labs,,text,"Sample taken",,,datetime_ymd,,now,,,y,,,,,
fasting,labs,,truefalse,"Patient was fasting",,,,,,,,,,,,,
hb,labs,Haematology,text,"Haemoglobin (g/dL)",,,number_2dp,5.00,20.00,,,,,,,,
sym_headache,labs,Symptoms,radio,Headache,"0, None | 1, Mild | 2, Severe",,,,,,,,,,symptoms,y,
sym_nausea,labs,,radio,Nausea,"0, None | 1, Mild | 2, Severe",,,,,,,,,,symptoms,y,
lab_comment,labs,,notes,"Lab comment (""as written"")",,,,,,,"[hb] < 8 or [hb] > 18",,,,,,
"""

SAMPLE = HEADER + ROWS


def with_rows(rows: str) -> str:
    """A dictionary of the sample's header and ``rows``."""
    return HEADER + rows
