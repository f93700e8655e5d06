package refserver

import (
	"crypto/subtle"
	"fmt"
	"strings"
	"unicode"
)

// The customer a server knows unless Options.Customer says otherwise: one
// customer of the organisation, who signs in with the sales channel.
const (
	// CustomerEmail is the customer's email, the password grant's username.
	CustomerEmail = "customer@authconform.test"
	// CustomerPassword is the customer's password.
	CustomerPassword = "cu5Tm3rPw-Hq8Lz2Vb7Nk4Rd9Xs1Fy6Jc3Tg0Ae"
)

// Customer configures the server's customer (Options.Customer). An empty
// field takes the default: CustomerEmail, CustomerPassword.
type Customer struct {
	Email    string
	Password string
}

// String shows c without the password, so that printing Options cannot
// leak it.
func (c Customer) String() string {
	password := `""`
	if c.Password != "" {
		password = "[redacted]"
	}
	return fmt.Sprintf("{Email:%q Password:%s}", c.Email, password)
}

// GoString is String for %#v.
func (c Customer) GoString() string { return "refserver.Customer" + c.String() }

// customer is a customer of the organisation: the owner of the tokens the
// password grant issues and of those refreshed from them.
type customer struct {
	id, email, password string
}

// newCustomer lays o over the defaults; id is the customer's id
// (Options.CustomerID, which JWT bearer assertions name too). An email
// must be one line of printable text, a password non-empty after the
// defaults.
func newCustomer(o Customer, id string) (*customer, error) {
	c := &customer{id: id, email: CustomerEmail, password: CustomerPassword}
	if o.Email != "" {
		c.email = o.Email
	}
	if o.Password != "" {
		c.password = o.Password
	}
	if strings.IndexFunc(c.email, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
		return nil, fmt.Errorf("refserver: Customer.Email %q: want an email without spaces or control characters", c.email)
	}
	return c, nil
}

// customerByEmail finds the customer a password grant names. Emails match
// without regard to case, as mail systems treat their domain part and as
// most treat the local part.
func (s *Server) customerByEmail(email string) (*customer, bool) {
	if strings.EqualFold(email, s.customer.email) {
		return s.customer, true
	}
	return nil, false
}

// passwordMatches compares in constant time, so response timing does not
// reveal how much of a guessed password was right.
func (c *customer) passwordMatches(password string) bool {
	return subtle.ConstantTimeCompare([]byte(password), []byte(c.password)) == 1
}

// ownerClaimFor is the owner claim of a token acting for c, nil for none,
// broken as the server's owner-claim fault says.
func (s *Server) ownerClaimFor(c *customer) *ownerClaim {
	if c == nil {
		return nil
	}
	claim := &ownerClaim{ID: c.id, Type: ownerCustomer}
	switch s.fault {
	case faultJWTOwnerIDWrong:
		claim.ID = s.salesChannel.applicationID
	case faultJWTOwnerTypeLowercase:
		claim.Type = strings.ToLower(ownerCustomer)
	}
	return claim
}

// addOwnerMembers adds the answer's owner_id and owner_type for a token
// acting for a customer, after created_at as Commerce Layer's password
// example lists them.
func (s *Server) addOwnerMembers(body *object, g *grant) {
	if g.owner == nil {
		return
	}
	body.add("owner_id", g.owner.id)
	ownerType := strings.ToLower(ownerCustomer)
	if s.fault == faultOwnerTypeCapitalised {
		ownerType = ownerCustomer
	}
	body.add("owner_type", ownerType)
}
