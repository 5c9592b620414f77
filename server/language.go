package server

import (
	"golang.org/x/text/language"

	"github.com/voices-uk/voices/channels"
)

// rtlScripts are the scripts written right to left.
var rtlScripts = map[string]bool{"Arab": true, "Hebr": true, "Thaa": true, "Syrc": true, "Nkoo": true, "Adlm": true, "Rohg": true}

// direction returns "rtl" for languages written right to left (Urdu,
// Arabic, Persian, Pashto, Hebrew, Punjabi in Shahmukhi "pa-Arab", ...).
func direction(lang string) string {
	tag, err := language.Parse(lang)
	if err != nil {
		return "ltr"
	}
	script, _ := tag.Script()
	if rtlScripts[script.String()] {
		return "rtl"
	}
	return "ltr"
}

// chooseLanguage picks the page language from what the survey offers: the
// ?lang= parameter, then the cookie, then the browser's Accept-Language,
// then the survey's default.
func chooseLanguage(offered []string, query, cookie, acceptLanguage string) string {
	for _, l := range []string{query, cookie} {
		for _, o := range offered {
			if l != "" && l == o {
				return o
			}
		}
	}
	if acceptLanguage != "" && len(offered) > 0 {
		tags := make([]language.Tag, 0, len(offered))
		for _, o := range offered {
			tags = append(tags, language.Make(o))
		}
		prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(prefs) > 0 {
			_, i, conf := language.NewMatcher(tags).Match(prefs...)
			if conf != language.No {
				return offered[i]
			}
		}
	}
	if len(offered) > 0 {
		return offered[0]
	}
	return channels.FallbackLanguage
}
