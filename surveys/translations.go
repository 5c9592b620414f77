package surveys

import "context"

// TranslationStore keeps officers' additions to the interface translations.
type TranslationStore interface {
	// Translations returns every stored text: language -> key -> text.
	Translations(ctx context.Context) (map[string]map[string]string, error)
	// ReplaceTranslations replaces all stored texts of one language.
	ReplaceTranslations(ctx context.Context, lang string, texts map[string]string) error
}
