/** Values many tests share: the shop owner's account and a US shipping address. */
export const ADMIN = { email: 'owner@example.com', password: 'owner-password-1' };

export const ADDRESS = {
  name: 'Ann Buyer',
  line1: '1 Main St',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};
