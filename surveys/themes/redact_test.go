package themes

import "testing"

func TestRedact(t *testing.T) {
	tests := []struct{ text, want string }{
		// Email addresses.
		{"Email me at jo.bloggs+care@example.co.uk please", "Email me at [email] please"},
		{"write to ANWAR_99@mail.com.", "write to [email]."},

		// UK phone numbers in the ways people write them.
		{"Ring 07700 900123 after 5", "Ring [phone] after 5"},
		{"my mobile is 07700900123", "my mobile is [phone]"},
		{"07700-900-123", "[phone]"},
		{"call +44 7700 900123 or +447700900124", "call [phone] or [phone]"},
		{"+44 (0)7700 900123", "[phone]"},
		{"+44 (0) 121 496 0000", "[phone]"},
		{"Tel: 0121 496 0000.", "Tel: [phone]."},
		{"(0121) 496 0000 is the number", "[phone] is the number"},
		{"0121-496-0000", "[phone]"},
		{"020 7946 0000", "[phone]"},
		{"ChildLine 0800 11 11 11", "ChildLine [phone]"},
		{"called 0121 496 0000 2 times", "called [phone] 2 times"},
		{"Numbers: 07700 900123, 07700 900124", "Numbers: [phone], [phone]"},
		// International.
		{"my brother +92 300 1234567 in Lahore", "my brother [phone] in Lahore"},
		{"+1 (555) 123-4567", "[phone]"},
		{"0092 300 1234567", "[phone]"},
		// In Urdu digits, inside Urdu text.
		{"میرا نمبر ۰۷۷۰۰ ۹۰۰۱۲۳ ہے", "میرا نمبر [phone] ہے"},
		{"फ़ोन ०७७०० ९००१२३", "फ़ोन [phone]"}, // Devanagari digits
		{"ফোন ০৭৭০০ ৯০০১২৩", "ফোন [phone]"},   // Bengali digits
		{"رقم ٠٧٧٠٠٩٠٠١٢٣", "رقم [phone]"},    // Arabic-Indic digits

		// NHS numbers.
		{"NHS number 485 777 3456", "NHS number [NHS number]"},
		{"nhs no. 485-777-3456.", "nhs no. [NHS number]."},
		{"4857773456", "[NHS number]"},

		// UK postcodes, full ones only.
		{"I live in B15 2TT near the park", "I live in [postcode] near the park"},
		{"b152tt", "[postcode]"},
		{"SW1A 1AA, London", "[postcode], London"},
		{"(M1 1AE)", "([postcode])"},
		{"postcode ls6 3hn.", "postcode [postcode]."},

		// Addresses.
		{"I live at 12 Acacia Avenue with my son", "I live at [address] with my son"},
		{"Flat 3, 27b Church Street, B15 2TT", "Flat 3, [address], [postcode]"},
		{"14 Stratford Rd.", "[address]"},

		// Names after cues.
		{"My name is Sarah Jones and I care for my mum", "My name is [name] and I care for my mum"},
		{"my name's Ahmed", "my name's [name]"},
		{"I am Bilal, a carer", "I am [name], a carer"},
		{"I'm called Zoë", "I'm called [name]"},
		{"Dr Patel was brilliant", "Dr [name] was brilliant"},
		{"Dr. Fleming listened", "Dr. [name] listened"},
		{"Mrs O'Brien and Mr Smith-Jones helped", "Mrs [name] and Mr [name] helped"},
		{"Nurse Jackie was kind", "Nurse [name] was kind"},
		{"the nurse Precious held my hand", "the nurse [name] held my hand"},
		{"a carer called Grace came", "a carer called [name] came"},
		{"I asked for Doctor McDonald", "I asked for Doctor [name]"},
		{"he called Dr Khan", "he called Dr [name]"},
		{"a lady named Hope, known as Auntie Pat", "a lady named [name], known as [name]"},
		{"Prof Okafor and Mx Lee", "Prof [name] and Mx [name]"},
		{"the midwife Aisha and Paramedic Tom", "the midwife [name] and Paramedic [name]"},
		{"Matron Dorothy Browning ran the ward", "Matron [name] ran the ward"},
		{"ڈاکٹر صاحب Dr Khan بہت اچھے تھے", "ڈاکٹر صاحب Dr [name] بہت اچھے تھے"},

		// Several at once.
		{"Mrs Begum, 0121 496 0000, b15 2tt, begum@example.org",
			"Mrs [name], [phone], [postcode], [email]"},

		// Ordinary numbers and words that only look like details.
		{"Waited 2 hours for the ambulance", "Waited 2 hours for the ambulance"},
		{"It costs £5 to park, or £12.50 a day", "It costs £5 to park, or £12.50 a day"},
		{"The strategy for 2027", "The strategy for 2027"},
		{"ward 12 was clean", "ward 12 was clean"},
		{"Ward B2 2nd floor", "Ward B2 2nd floor"},
		{"24/7 support, call 999 or 111", "24/7 support, call 999 or 111"},
		{"0 10 20 30 40 50", "0 10 20 30 40 50"},
		{"on 01/02/2024 at 09:30", "on 01/02/2024 at 09:30"},
		{"rated 10/10, 0.5 miles away", "rated 10/10, 0.5 miles away"},
		{"back by 3pm, left at 10am", "back by 3pm, left at 10am"},
		{"2 Hours Walk away", "2 Hours Walk away"},
		{"I waited 15 minutes down the road", "I waited 15 minutes down the road"},
		{"A1 road and the M6", "A1 road and the M6"},
		{"COVID19 rules", "COVID19 rules"},
		{"1,000,000 people", "1,000,000 people"},
		{"reference 12345678", "reference 12345678"},
		{"I am British and I am Muslim", "I am British and I am Muslim"},
		{"I am Not happy", "I am Not happy"},
		{"I called NHS 111 on Monday", "I called NHS 111 on Monday"},
		{"I called Monday", "I called Monday"},
		{"the Nurse Practitioner saw me", "the Nurse Practitioner saw me"},
		{"Miss Having visitors", "Miss Having visitors"},
		{"The doctor was kind. Nurse was busy.", "The doctor was kind. Nurse was busy."},
		{"I have MS Society support", "I have MS Society support"},
		{"my name is on the list", "my name is on the list"},
		{"an email @ the office", "an email @ the office"},

		// Other scripts pass through unchanged.
		{"عملہ بہت اچھا تھا، شکریہ", "عملہ بہت اچھا تھا، شکریہ"},
		{"ਸੇਵਾ ਬਹੁਤ ਵਧੀਆ ਸੀ", "ਸੇਵਾ ਬਹੁਤ ਵਧੀਆ ਸੀ"},
		{"میں ۲ گھنٹے انتظار کرتا رہا", "میں ۲ گھنٹے انتظار کرتا رہا"}, // "I waited 2 hours"
		{"", ""},
	}
	for _, tt := range tests {
		if got := Redact(tt.text); got != tt.want {
			t.Errorf("Redact(%q):\n got %q\nwant %q", tt.text, got, tt.want)
		}
	}
}
