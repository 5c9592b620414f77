package surveys_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/voices-uk/voices/surveys"
)

func TestHashPassword(t *testing.T) {
	const password = "correct horse battery staple"
	hash, err := surveys.HashPassword(password)
	if err != nil {
		t.Fatalf("HashPassword: got error %v, want none", err)
	}
	if !strings.HasPrefix(hash, "$argon2id$") {
		t.Errorf("hash: got %q, want an argon2id PHC string", hash)
	}
	if strings.Contains(hash, password) {
		t.Errorf("hash: got %q, which contains the password", hash)
	}
	again, err := surveys.HashPassword(password)
	if err != nil {
		t.Fatalf("HashPassword: got error %v, want none", err)
	}
	if again == hash {
		t.Errorf("two hashes of the same password: got both %q, want different salts", hash)
	}
	unicodeHash, err := surveys.HashPassword("میرا خفیہ پاس ورڈ 🔑")
	if err != nil {
		t.Fatalf("HashPassword: got error %v, want none", err)
	}

	tests := []struct {
		name     string
		hash     string
		password string
		want     bool
	}{
		{"right password", hash, password, true},
		{"right password, second hash", again, password, true},
		{"right Unicode password", unicodeHash, "میرا خفیہ پاس ورڈ 🔑", true},
		{"wrong password", hash, "correct horse battery stapler", false},
		{"wrong case", hash, strings.ToUpper(password), false},
		{"empty password", hash, "", false},
		{"trailing space", hash, password + " ", false},
		{"empty hash", "", password, false},
		{"not a PHC string", "not a hash", password, false},
		{"another algorithm", strings.Replace(hash, "$argon2id$", "$argon2i$", 1), password, false},
		{"bcrypt hash", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", password, false},
		{"too few parts", strings.Join(strings.Split(hash, "$")[:5], "$"), password, false},
		{"bad parameters", strings.Replace(hash, "m=65536,t=3,p=2", "m=lots", 1), password, false},
		{"salt not base64", replacePart(hash, 4, "!!!!"), password, false},
		{"key not base64", replacePart(hash, 5, "****"), password, false},
		{"changed key", replacePart(hash, 5, strings.Repeat("A", 43)), password, false},
		{"changed salt", replacePart(hash, 4, "AAAAAAAAAAAAAAAAAAAAAA"), password, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := surveys.CheckPassword(tt.hash, tt.password); got != tt.want {
				t.Errorf("CheckPassword: got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCheckPasswordMalformedParameters checks that a damaged hash (from a
// corrupt row or a bad import) is refused rather than crashing the process.
func TestCheckPasswordMalformedParameters(t *testing.T) {
	const password = "correct horse battery staple"
	hash, err := surveys.HashPassword(password)
	if err != nil {
		t.Fatalf("HashPassword: got error %v, want none", err)
	}
	tests := []struct {
		name string
		hash string
	}{
		{"zero passes", strings.Replace(hash, "t=3", "t=0", 1)},
		{"zero threads", strings.Replace(hash, "p=2", "p=0", 1)},
		{"empty key", replacePart(hash, 5, "")},
		{"huge memory", strings.Replace(hash, "m=65536", "m=4294967295", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got bool
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("CheckPassword: panicked with %v, want false", r)
					}
				}()
				got = surveys.CheckPassword(tt.hash, password)
			}()
			if got {
				t.Errorf("CheckPassword: got true, want false")
			}
		})
	}
}

// replacePart replaces the i-th "$"-separated part of a PHC string.
func replacePart(hash string, i int, with string) string {
	parts := strings.Split(hash, "$")
	parts[i] = with
	return strings.Join(parts, "$")
}

func TestNewUserCheck(t *testing.T) {
	good := func() surveys.NewUser {
		return surveys.NewUser{
			Email: "asha@example.org", Name: "Asha Khan", Role: surveys.RolePartner,
			Organisation: "Sparkbrook Neighbourhood Network", Password: "a long passphrase",
		}
	}
	tests := []struct {
		name   string
		change func(u *surveys.NewUser)
		fields []string // nil: the user is fine
	}{
		{"good partner", func(u *surveys.NewUser) {}, nil},
		{"good officer without organisation", func(u *surveys.NewUser) { u.Role, u.Organisation = surveys.RoleOfficer, "" }, nil},
		{"good admin", func(u *surveys.NewUser) { u.Role = surveys.RoleAdmin }, nil},
		{"good interpreter without organisation", func(u *surveys.NewUser) { u.Role, u.Organisation = surveys.RoleInterpreter, "" }, nil},
		{"password of exactly 12 characters", func(u *surveys.NewUser) { u.Password = "abcdefghijkl" }, nil},
		{"password of 12 Urdu characters", func(u *surveys.NewUser) { u.Password = "ابپتٹثجچحخدڈ" }, nil},
		{"email with spaces around it", func(u *surveys.NewUser) { u.Email = "  asha@example.org " }, nil},
		{"bad email", func(u *surveys.NewUser) { u.Email = "asha.example.org" }, []string{"email"}},
		{"email with two @", func(u *surveys.NewUser) { u.Email = "asha@@example.org" }, []string{"email"}},
		{"empty email", func(u *surveys.NewUser) { u.Email = "" }, []string{"email"}},
		{"short password", func(u *surveys.NewUser) { u.Password = "abcdefghijk" }, []string{"password"}},
		{"short password long in bytes", func(u *surveys.NewUser) { u.Password = "😀😀😀😀😀😀😀😀😀😀😀" }, []string{"password"}},
		{"empty password", func(u *surveys.NewUser) { u.Password = "" }, []string{"password"}},
		{"password too long", func(u *surveys.NewUser) { u.Password = strings.Repeat("x", surveys.MaxPasswordLength+1) }, []string{"password"}},
		{"partner without organisation", func(u *surveys.NewUser) { u.Organisation = "" }, []string{"organisation"}},
		{"partner with blank organisation", func(u *surveys.NewUser) { u.Organisation = "   " }, []string{"organisation"}},
		{"bad role", func(u *surveys.NewUser) { u.Role = "superuser" }, []string{"role"}},
		{"no role", func(u *surveys.NewUser) { u.Role = "" }, []string{"role"}},
		{"no name", func(u *surveys.NewUser) { u.Name = " " }, []string{"name"}},
		{"organisation too long", func(u *surveys.NewUser) { u.Organisation = strings.Repeat("o", 201) }, []string{"organisation"}},
		{"everything wrong", func(u *surveys.NewUser) { *u = surveys.NewUser{Email: "nope", Role: "boss", Password: "short"} },
			[]string{"email", "name", "password", "role"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := good()
			tt.change(&u)
			err := u.Check()
			if tt.fields == nil {
				if err != nil {
					t.Errorf("got error %v, want none", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want problems with %v", tt.fields)
			}
			if got := surveys.ErrorCode(err); got != surveys.EINVALID {
				t.Errorf("error code: got %q, want %q", got, surveys.EINVALID)
			}
			fields := surveys.ErrorFields(err)
			if got, want := fieldKeys(fields), sortedCopy(tt.fields); !reflect.DeepEqual(got, want) {
				t.Errorf("fields: got %v, want %v (error: %v)", got, want, err)
			}
			for k, msg := range fields {
				if strings.TrimSpace(msg) == "" {
					t.Errorf("fields[%q]: got an empty message, want one saying what to do", k)
				}
			}
		})
	}
}

func TestNewUserCheckTrims(t *testing.T) {
	u := surveys.NewUser{Email: " asha@example.org ", Name: " Asha ", Role: surveys.RolePartner, Organisation: " Group ", Password: "a long passphrase"}
	if err := u.Check(); err != nil {
		t.Fatalf("got error %v, want none", err)
	}
	want := surveys.NewUser{Email: "asha@example.org", Name: "Asha", Role: surveys.RolePartner, Organisation: "Group", Password: "a long passphrase"}
	if u != want {
		t.Errorf("got %+v, want %+v", u, want)
	}
}

func TestRoleEntersAs(t *testing.T) {
	tests := []struct {
		role      surveys.Role
		entersAs  string
		isOfficer bool
	}{
		{surveys.RolePartner, surveys.EnteredByCommunityGroup, false},
		{surveys.RoleInterpreter, surveys.EnteredByInterpreter, false},
		{surveys.RoleOfficer, surveys.EnteredByOfficer, true},
		{surveys.RoleAdmin, surveys.EnteredByOfficer, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			if got := tt.role.EntersAs(); got != tt.entersAs {
				t.Errorf("EntersAs: got %q, want %q", got, tt.entersAs)
			}
			if got := tt.role.IsOfficer(); got != tt.isOfficer {
				t.Errorf("IsOfficer: got %v, want %v", got, tt.isOfficer)
			}
		})
	}
}

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		token, hash, err := surveys.NewToken()
		if err != nil {
			t.Fatalf("NewToken: got error %v, want none", err)
		}
		if !strings.HasPrefix(token, "voices_") {
			t.Errorf("token: got %q, want it to start with voices_", token)
		}
		if got, want := len(token), len("voices_")+43; got != want { // 32 bytes, unpadded base64url
			t.Errorf("token length: got %d, want %d", got, want)
		}
		if strings.ContainsAny(token, "+/=") {
			t.Errorf("token: got %q, want URL-safe characters only", token)
		}
		if got := surveys.HashToken(token); !bytes.Equal(got, hash) {
			t.Errorf("HashToken(token): got %x, want the returned hash %x", got, hash)
		}
		if len(hash) != 32 {
			t.Errorf("hash length: got %d, want 32", len(hash))
		}
		if bytes.Equal(surveys.HashToken(token+"x"), hash) {
			t.Errorf("HashToken of a different token: got the same hash, want a different one")
		}
		if seen[token] {
			t.Errorf("token %q: got it twice, want every token new", token)
		}
		seen[token] = true
	}
}

func TestScope(t *testing.T) {
	asked := surveys.ResponseFilter{Channel: surveys.ChannelAssisted, OrganisationID: 99, UserID: 99} // as if a caller tried to widen it
	tests := []struct {
		name     string
		user     *surveys.User
		wantOrg  int64
		wantUser int64
		wantCode string
	}{
		{"nobody", nil, 0, 0, surveys.EUNAUTHORIZED},
		{"admin sees all", &surveys.User{ID: 1, Role: surveys.RoleAdmin}, 0, 0, ""},
		{"officer sees all", &surveys.User{ID: 2, Role: surveys.RoleOfficer, OrganisationID: 5}, 0, 0, ""},
		{"partner sees their organisation's", &surveys.User{ID: 3, Role: surveys.RolePartner, OrganisationID: 5}, 5, 0, ""},
		{"partner without an organisation sees their own", &surveys.User{ID: 4, Role: surveys.RolePartner}, 0, 4, ""},
		{"interpreter sees their own", &surveys.User{ID: 6, Role: surveys.RoleInterpreter, OrganisationID: 5}, 0, 6, ""},
		{"unknown role sees nothing", &surveys.User{ID: 7, Role: "visitor"}, 0, 0, surveys.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.user.Scope(asked)
			if tt.wantCode != "" {
				if surveys.ErrorCode(err) != tt.wantCode {
					t.Errorf("got %v, want %s", err, tt.wantCode)
				}
				return
			}
			if err != nil || got.OrganisationID != tt.wantOrg || got.UserID != tt.wantUser || got.Channel != asked.Channel {
				t.Errorf("got %+v, %v; want organisation %d, user %d, the channel kept", got, err, tt.wantOrg, tt.wantUser)
			}
		})
	}
}
